import type { JsonObject } from './action.js';

/**
 * Standing grants (`/v1/grants`, and `grant` in an approval): "also allow calls like this one",
 * for a bounded scope, a bounded time and optionally a number of uses. The scope's rules (what each
 * constraint means, how hostile params are read) live in the policy engine: `packages/policy`
 * `grant-scope.ts` / `grant-match.ts`; here only its wire shape.
 */

/** What an approver asks for when approving with `grant`. */
export interface GrantRequest {
  /** tool, operation, agent_id (or agent_pattern) and one constraint per param (see docs/api.md). */
  scope: JsonObject;
  /** How long it lasts: `30m`, `2h`, `1d`, or seconds; required, at most FARAMESH_GRANT_MAX_TTL. */
  ttl: string | number;
  /** At most this many calls; omitted: no limit but time. */
  max_uses?: number;
  /** Also cover high-risk calls (admins only). */
  high_risk?: boolean;
}

export const grantRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'ttl'],
  properties: {
    scope: { type: 'object' },
    ttl: {
      anyOf: [
        // Any short text reaches the server's parser, whose refusal says what a duration is.
        { type: 'string', minLength: 1, maxLength: 16 },
        { type: 'integer', minimum: 1 },
      ],
    },
    max_uses: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    high_risk: { type: 'boolean' },
  },
} as const;

/** Where a grant stands at the time of the answer. */
export type GrantState = 'active' | 'exhausted' | 'expired' | 'revoked';
export const GRANT_STATES = ['active', 'exhausted', 'expired', 'revoked'] as const;

/** One person whose approval made a grant. */
export interface GrantCreatorInfo {
  name: string;
  role: string;
}

/** A standing grant as the API shows it. */
export interface Grant {
  id: string;
  /** The approved action whose approval made it. */
  action_id: string;
  scope: JsonObject;
  high_risk: boolean;
  /** Who made it: every approver whose approval completed the action's quorum. */
  created_by: GrantCreatorInfo[];
  created_at: string;
  expires_at: string;
  max_uses: number | null;
  uses: number;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  state: GrantState;
}

/** `GET /v1/actions/{id}/grant-proposal`: what to offer an approver, to tighten before approving. */
export interface GrantProposal {
  scope: JsonObject;
  /** FARAMESH_GRANT_MAX_TTL: the longest `ttl` accepted. */
  max_ttl_seconds: number;
  /** The action is high risk: a grant for it must say `high_risk: true`. */
  high_risk_required: boolean;
  /** Whether the caller's role may make high-risk grants. */
  may_grant_high_risk: boolean;
}

export interface GrantList {
  items: Grant[];
  /** The id to pass as `after` for the next page, or null at the end. */
  next_after: string | null;
}

export interface ListGrantsQuery {
  /** `active` (default: usable now), or `all`. */
  state?: 'active' | 'all';
  action_id?: string;
  limit?: number;
  after?: string;
}

export const listGrantsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { type: 'string', enum: ['active', 'all'] },
    action_id: { type: 'string', minLength: 1, maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    after: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

export interface RevokeGrantRequest {
  reason?: string | null;
}

export const revokeGrantSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { reason: { type: ['string', 'null'], maxLength: 4096 } },
} as const;
