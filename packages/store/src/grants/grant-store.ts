import type { JsonObject } from '../store.js';

/**
 * Standing grants (`store.grants`): "also allow calls like this one", made when an approval
 * completes. The store keeps them and counts their uses; what a scope covers and who may make one
 * is the server's and the policy engine's business (scope and creators are opaque JSON here).
 *
 * Every change to a grant commits in the same transaction as a ledger event: creation, revocation
 * and the recorded expiry ride on a `transition` of the action whose approval made the grant
 * (`TransitionInput.grant`), and each use on the `createAction` of the action it allowed
 * (`CreateActionInput.grant_use`). A use is conditional — not revoked, not expired at `at`, fewer
 * than `max_uses` — and when the condition fails the whole write fails with StoreError
 * `grant_unavailable` and nothing is written, so no grant is ever used more than `max_uses` times,
 * however many submissions race on however many replicas.
 */
export interface GrantRecord {
  id: string;
  /** The action whose approval made it (its ledger carries the grant's creation, revocation, expiry). */
  action_id: string;
  tool: string;
  operation: string;
  scope: JsonObject;
  high_risk: boolean;
  /** Everyone whose approval made it, as the server recorded them. */
  creators: JsonObject[];
  created_at: string;
  expires_at: string;
  /** Null: no limit but time. */
  max_uses: number | null;
  uses: number;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  /** When its expiry was recorded in the ledger (once, by whichever replica swept first). */
  expiry_recorded_at: string | null;
}

export type NewGrant = Omit<
  GrantRecord,
  'uses' | 'last_used_at' | 'revoked_at' | 'revoked_by' | 'revoke_reason' | 'expiry_recorded_at'
>;

/** A grant change written with a transition of the grant's own action. */
export type GrantChange =
  | { kind: 'create'; grant: NewGrant }
  /** Fails (`grant_unavailable`) when the grant is missing or already revoked: the first revocation stands. */
  | { kind: 'revoke'; id: string; at: string; by: string; reason: string | null }
  /** Fails (`grant_unavailable`) unless the grant expired by `at`, unrevoked and not yet recorded. */
  | { kind: 'record_expiry'; id: string; at: string };

/** One use of a grant, written with the action it allowed. */
export interface GrantUse {
  id: string;
  at: string;
}

export interface GrantListInput {
  /** Only grants usable at this time (not revoked, not expired, uses left). */
  live_at?: string;
  action_id?: string;
  limit: number;
  /** Keyset paging, newest first: only grants after (older than) the one with this id. */
  after?: string;
}

export interface GrantStore {
  get(id: string): Promise<GrantRecord | null>;
  /** Grants newest first (created_at DESC, id DESC), at most `limit`. */
  list(input: GrantListInput): Promise<GrantRecord[]>;
  /** Grants for this tool and operation usable at `at`, oldest first, at most `limit` (the submit path's read). */
  live(tool: string, operation: string, at: string, limit: number): Promise<GrantRecord[]>;
  /** Grants expired by `at`, not revoked, whose expiry isn't recorded yet, soonest first, at most `limit`. */
  dueExpiry(at: string, limit: number): Promise<GrantRecord[]>;
}
