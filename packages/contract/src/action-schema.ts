import { DECISIONS, RISK_LEVELS, STATUSES } from './action.js';

/** Most characters of `Action.summary` (code points); a cut summary ends in `…`. */
export const SUMMARY_MAX_CHARS = 500;

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;
/** A rule that decided: its position in the policy's rules and its description (or null: none matched). */
const ruleSchema = {
  type: ['object', 'null'],
  required: ['index', 'description'],
  properties: { index: { type: 'integer', minimum: 0 }, description: nullableText },
} as const;

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
    matched_rule: ruleSchema,
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
    shadow: {
      type: 'object',
      description:
        'What the shadow policy decided when it disagreed with the active one (approver and admin roles; absent otherwise).',
      required: ['kind', 'decision', 'rule', 'reason', 'reason_code', 'risk_level', 'policy_hash'],
      properties: {
        kind: { type: 'string', enum: ['decision', 'rule'] },
        decision: { type: 'string', enum: [...DECISIONS] },
        rule: ruleSchema,
        reason: nullableText,
        reason_code: text,
        risk_level: { type: 'string', enum: [...RISK_LEVELS] },
        policy_hash: text,
      },
    },
    summary: {
      type: 'string',
      maxLength: SUMMARY_MAX_CHARS,
      description:
        'One line saying what the action will do: the normalized shell command (params.cmd/command), else ' +
        'METHOD and URL, else amount, currency and customer, else the paths, else key=value params. Derived ' +
        'from params, never stored; invisible and control characters kept as sent.',
    },
    break_glass: {
      type: ['object', 'null'],
      description:
        'Set when an admin broke glass (approved past the approvers and quorum); its review stays open until another approver acknowledges it.',
      required: ['by', 'at', 'reason', 'review'],
      properties: {
        by: text,
        at: timestamp,
        reason: text,
        review: {
          type: 'object',
          required: ['status', 'acknowledged_by', 'acknowledged_at', 'note'],
          properties: {
            status: { type: 'string', enum: ['open', 'acknowledged'] },
            acknowledged_by: nullableText,
            acknowledged_at: nullableTimestamp,
            note: nullableText,
          },
        },
      },
    },
  },
} as const;

/** JSON Schema of `GET /v1/reviews`. */
export const reviewListSchema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'action_id',
          'kind',
          'status',
          'opened_by',
          'opened_at',
          'reason',
          'acknowledged_by',
          'acknowledged_at',
          'note',
          'action',
        ],
        properties: {
          action_id: { type: 'string', format: 'uuid' },
          kind: { type: 'string', enum: ['break_glass'] },
          status: { type: 'string', enum: ['open', 'acknowledged'] },
          opened_by: text,
          opened_at: timestamp,
          reason: text,
          acknowledged_by: nullableText,
          acknowledged_at: nullableTimestamp,
          note: nullableText,
          action: { $ref: '#/components/schemas/Action' },
        },
      },
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
