import { DECISIONS, RISK_LEVELS, STATUSES } from './action.js';

/** Most characters of `Action.summary` (code points); a cut summary ends in `…`. */
export const SUMMARY_MAX_CHARS = 500;

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

/** JSON Schema of an Action response body, for the OpenAPI document (responses are not validated). */
export const actionSchema = {
  type: 'object',
  required: [
    'id',
    'agent_id',
    'tool',
    'operation',
    'params',
    'context',
    'status',
    'decision',
    'reason',
    'reason_code',
    'risk_level',
    'risk_rule',
    'matched_rule',
    'policy_version',
    'policy_hash',
    'request_hash',
    'created_at',
    'updated_at',
    'version',
    'summary',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    agent_id: text,
    tool: text,
    operation: text,
    params: { type: 'object' },
    context: { type: 'object' },
    status: { type: 'string', enum: [...STATUSES] },
    decision: { type: 'string', enum: [...DECISIONS] },
    reason: nullableText,
    reason_code: text,
    risk_level: { type: 'string', enum: [...RISK_LEVELS] },
    risk_rule: nullableText,
    matched_rule: {
      type: ['object', 'null'],
      required: ['index', 'description'],
      properties: { index: { type: 'integer', minimum: 0 }, description: nullableText },
    },
    policy_version: text,
    policy_hash: text,
    request_hash: text,
    approval_token: { ...nullableText, description: 'Only for approver and admin roles (and open mode).' },
    approval_expires_at: nullableTimestamp,
    approval_decided_by: nullableText,
    approval_decided_at: nullableTimestamp,
    approval_reason: nullableText,
    grant_id: { type: 'string', description: 'The standing grant that allowed it (reason_code grant).' },
    submitted_by: nullableText,
    started_at: nullableTimestamp,
    finished_at: nullableTimestamp,
    result_error: nullableText,
    created_at: timestamp,
    updated_at: timestamp,
    version: { type: 'integer', minimum: 1 },
    summary: {
      type: 'string',
      maxLength: SUMMARY_MAX_CHARS,
      description:
        'One line saying what the action will do: the normalized shell command (params.cmd/command), else ' +
        'METHOD and URL, else amount, currency and customer, else the paths, else key=value params. Derived ' +
        'from params, never stored; invisible and control characters kept as sent.',
    },
  },
} as const;

/** JSON Schema of `GET /v1/actions`. */
export const actionListSchema = {
  type: 'object',
  required: ['items', 'total', 'limit', 'offset', 'next_cursor'],
  properties: {
    items: { type: 'array', items: { $ref: '#/components/schemas/Action' } },
    total: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1 },
    offset: { type: 'integer', minimum: 0 },
    next_cursor: nullableText,
  },
} as const;
