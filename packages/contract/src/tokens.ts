import type { Role } from './action.js';

/**
 * API tokens managed in the database (`/v1/tokens`, admin only). The secret is shown once, in the
 * answer that creates it; no endpoint returns it or its digest again.
 */

/** Characters a token name may not contain (the same rule as FARAMESH_TOKENS names). */
export const TOKEN_NAME_PATTERN = '^[^*/=|,\\s\\p{Cc}\\p{Cs}]+$';
export const MAX_TOKEN_NAME_LENGTH = 64;

const tokenName = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_TOKEN_NAME_LENGTH,
  pattern: TOKEN_NAME_PATTERN,
} as const;

export interface CreateTokenRequest {
  /** The identity this token authenticates as: recorded as submitter and approver. */
  name: string;
  role: Role;
  /** Groups of this identity, for `principal_group:` and approver groups in policies. */
  groups?: string[];
  /** Agent tokens only: agent-id globs it may submit as (default: its name and `name/*`). */
  agent_ids?: string[];
  /** Lifetime, e.g. `90d`, `12h` (at most 365d); omitted: no expiry. */
  expires_in?: string;
}

export const createTokenSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role'],
  properties: {
    name: tokenName,
    role: { type: 'string', enum: ['agent', 'approver', 'admin'] },
    groups: { type: 'array', maxItems: 32, uniqueItems: true, items: tokenName },
    agent_ids: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^,|\\s\\p{Cc}\\p{Cs}]+$' },
    },
    expires_in: { type: 'string', minLength: 2, maxLength: 16 },
  },
} as const;

export interface ListTokensQuery {
  limit?: number;
  /** The id of the last token of the previous page. */
  after?: string;
}

export const listTokensQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    after: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

/** A database token as the API shows it: never its secret or the secret's digest. */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  groups: string[];
  /** Agent-id globs it may submit as; null for the role's default. */
  agent_ids: string[] | null;
  /** The first characters of the secret (`fm_` and four more), to tell tokens apart. */
  prefix: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  /** `active`, `expired` or `revoked`, at the time of the answer. */
  status: 'active' | 'expired' | 'revoked';
}

/** `POST /v1/tokens`: the token and, this once, its secret. */
export interface CreatedToken extends ApiToken {
  secret: string;
}

/** `GET /v1/tokens`. */
export interface TokenList {
  items: ApiToken[];
  /** Pass as `after` for the next page; null on the last one. */
  next_cursor: string | null;
}
