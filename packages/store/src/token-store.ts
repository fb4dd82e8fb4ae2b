/**
 * API tokens kept in the database (`store.tokens`), beside the ones the environment configures. The
 * store keeps only a digest of each secret and never sees the secret itself; roles, groups and
 * agent-id globs are opaque text to it (the server gives them meaning).
 */
export interface TokenRecord {
  id: string;
  /** The identity: recorded as the submitter or approver. Unique among tokens not revoked. */
  name: string;
  role: string;
  groups: string[];
  /** Agent-id globs an agent token may submit as; null for the role's default. */
  agent_ids: string[] | null;
  /** Hex digest of the secret (the lookup key). */
  secret_hash: string;
  /** The first characters of the secret, so people can tell their tokens apart. */
  prefix: string;
  created_at: string;
  created_by: string;
  /** When the token last authenticated a request, to within the server's recording interval. */
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

export type NewToken = Omit<TokenRecord, 'last_used_at' | 'revoked_at' | 'revoked_by'>;

export interface TokenListInput {
  limit: number;
  /** Keyset paging in creation order: only tokens after the one with this id. */
  after?: string;
}

export interface TokenCounts {
  /** Every token ever created, revoked ones included. */
  total: number;
  /** Neither revoked nor expired at the given time. */
  active: number;
  /** Past their expiry but never revoked. */
  expired: number;
}

export interface TokenStore {
  /**
   * Stores a new token. Throws StoreError `already_exists` when a token that isn't revoked has the
   * same name (or the id or digest is taken).
   */
  create(token: NewToken): Promise<TokenRecord>;
  /** The token with this secret digest, revoked and expired ones included (the caller decides). */
  findByHash(secretHash: string): Promise<TokenRecord | null>;
  get(id: string): Promise<TokenRecord | null>;
  /** The token named `name` that isn't revoked, if any. */
  findActiveByName(name: string): Promise<TokenRecord | null>;
  /** Tokens in creation order (created_at, id), at most `limit`. */
  list(input: TokenListInput): Promise<TokenRecord[]>;
  /**
   * Revokes a token; the first revocation stands (revoking again changes nothing). Returns the
   * token as stored afterwards, or null when there is none with that id.
   */
  revoke(id: string, at: string, by: string): Promise<TokenRecord | null>;
  /** Moves last_used_at forward to `at` for each id (never backwards); unknown ids are ignored. */
  touch(uses: ReadonlyArray<{ id: string; at: string }>): Promise<void>;
  /** How many tokens exist, are active and are expired at `at` (a full count: not for hot paths). */
  count(at: string): Promise<TokenCounts>;
}
