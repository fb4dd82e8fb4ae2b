import { type JsonObject, type RiskLevel, STATUSES, type Status } from './action.js';
import { type GrantRequest, grantRequestSchema } from './grants.js';
import { nameSchema } from './names.js';

/**
 * Request bodies and queries of the HTTP contract, each as a TypeScript type and the JSON Schema the
 * server validates it with (and publishes in its OpenAPI document). Unknown fields are rejected.
 */

const name = nameSchema;
const jsonObject = { type: 'object' } as const;

export interface SubmitActionRequest {
  /** Required, unless `context.agent_id` carries it (the seed's Python SDK sends it there). */
  agent_id?: string;
  tool: string;
  operation: string;
  params?: JsonObject;
  context?: JsonObject;
}

export const submitActionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tool', 'operation'],
  properties: {
    agent_id: name,
    tool: name,
    operation: name,
    params: jsonObject,
    context: jsonObject,
  },
} as const;

export interface ApprovalRequest {
  token: string;
  approve: boolean;
  reason?: string | null;
  /** When given, must equal the action's request_hash: the approver saw exactly this action. */
  request_hash?: string;
  /** With `approve: true`: also allow calls like this one for a while (a standing grant). */
  grant?: GrantRequest;
}

export const approvalSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'approve'],
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 512 },
    approve: { type: 'boolean' },
    reason: { type: ['string', 'null'], maxLength: 4096 },
    request_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    grant: grantRequestSchema,
  },
} as const;

/** `POST /v1/actions/{id}/break-glass`: force-approve a pending action (admins), bound to its request. */
export interface BreakGlassRequest {
  /** Why this can't wait for the approvers; required, not blank (checked by the break-glass rules). */
  reason?: string;
  /** The action's `request_hash` as the admin saw it: the approval is for exactly that request. */
  request_hash: string;
}

export const breakGlassSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['request_hash'],
  properties: {
    reason: { type: 'string', maxLength: 4096 },
    request_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
} as const;

/** `POST /v1/reviews/{id}/acknowledge`: another approver has looked at a break-glass approval. */
export interface AcknowledgeReviewRequest {
  note?: string | null;
}

export const acknowledgeReviewSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { note: { type: ['string', 'null'], maxLength: 2000 } },
} as const;

export const listReviewsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['open', 'acknowledged', 'all'], default: 'open' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
} as const;

export interface ListReviewsQuery {
  status?: 'open' | 'acknowledged' | 'all';
  limit?: number;
}

export interface ResultRequest {
  success: boolean;
  error?: string | null;
}

export const resultSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['success'],
  properties: {
    success: { type: 'boolean' },
    error: { type: ['string', 'null'], maxLength: 65536 },
  },
} as const;

export interface CancelRequest {
  /** Why the submitter no longer needs the action; recorded in the `cancelled` event. */
  reason?: string | null;
}

/** Optional: `curl -X POST` with no body cancels without a reason. */
export const cancelSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    reason: { type: ['string', 'null'], maxLength: 4096 },
  },
} as const;

export interface ListActionsQuery {
  limit?: number;
  offset?: number;
  cursor?: string;
  status?: Status;
  tool?: string;
  agent_id?: string;
  risk_level?: RiskLevel;
  /** ISO 8601 lower bound (inclusive) on created_at. */
  since?: string;
  /** ISO 8601 upper bound (exclusive) on created_at. */
  until?: string;
  /** An id prefix, or text (ASCII case-insensitive substring) in agent_id, tool, operation, params, context: docs/api.md. */
  q?: string;
  /** `me`: only actions pending approval that the caller may approve now ("waiting for me"). */
  awaiting?: 'me';
}

export const listActionsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
    cursor: { type: 'string', maxLength: 512 },
    // The one list of statuses, so a new status can't be missing from the filters.
    status: { type: 'string', enum: STATUSES },
    tool: name,
    agent_id: name,
    risk_level: { type: 'string', enum: ['low', 'medium', 'high'] },
    since: { type: 'string', format: 'date-time' },
    until: { type: 'string', format: 'date-time' },
    q: { type: 'string', minLength: 1, maxLength: 256 },
    awaiting: { type: 'string', enum: ['me'] },
  },
} as const;

export interface StreamQuery {
  status?: Status;
  agent_id?: string;
  tool?: string;
  action_id?: string;
  /**
   * `named` (default): frames carry `event: action.created` etc. `unnamed`: frames carry no `event:`
   * line, so `EventSource.onmessage` receives every one (the name is in the data's `type`).
   */
  format?: 'named' | 'unnamed';
}

export const streamQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: listActionsQuerySchema.properties.status,
    agent_id: name,
    tool: name,
    action_id: { type: 'string', format: 'uuid' },
    format: { type: 'string', enum: ['named', 'unnamed'] },
    /** Browsers' EventSource can't set headers: the resume point may come as a query parameter. */
    last_event_id: { type: 'string', pattern: '^[0-9]{1,18}$' },
  },
} as const;

export interface PlaygroundEvalRequest extends SubmitActionRequest {
  /** Optional policy YAML to evaluate against instead of the server's loaded policy. */
  policy?: string;
}

export const playgroundEvalSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tool', 'operation'],
  properties: {
    ...submitActionSchema.properties,
    policy: { type: 'string', maxLength: 1_000_000 },
  },
} as const;
