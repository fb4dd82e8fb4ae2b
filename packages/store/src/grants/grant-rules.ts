import { StoreError } from '../store.js';
import type { GrantChange, GrantRecord, GrantUse, NewGrant } from './grant-store.js';

/**
 * The conditions of grant writes, for the adapters that apply them in memory (the memory store, and
 * PostgreSQL's batch plan under the ledger lock). SQLite states the same conditions in SQL
 * (`sqlite-grants.ts`); the contract suite holds all three to them.
 */

/** Whether a grant can be used at `at`. */
export function isLive(grant: GrantRecord, at: string): boolean {
  return grant.revoked_at === null && grant.expires_at > at && (grant.max_uses === null || grant.uses < grant.max_uses);
}

/** The grant after one more use, or `grant_unavailable`. */
export function usedGrant(grant: GrantRecord | undefined, use: GrantUse): GrantRecord {
  if (grant === undefined || !isLive(grant, use.at)) {
    throw new StoreError('grant_unavailable', `grant ${use.id} is revoked, expired, used up or unknown`);
  }
  return { ...grant, uses: grant.uses + 1, last_used_at: use.at };
}

/** The grant after `change` (a new one for `create`), or `grant_unavailable` / `invalid_input`. */
export function changedGrant(grant: GrantRecord | undefined, change: GrantChange): GrantRecord {
  switch (change.kind) {
    case 'create':
      if (grant !== undefined) throw new StoreError('invalid_input', `grant ${change.grant.id} already exists`);
      return newGrantRecord(change.grant);
    case 'revoke':
      if (grant === undefined || grant.revoked_at !== null) {
        throw new StoreError('grant_unavailable', `grant ${change.id} is unknown or already revoked`);
      }
      return { ...grant, revoked_at: change.at, revoked_by: change.by, revoke_reason: change.reason };
    case 'record_expiry':
      if (
        grant === undefined ||
        grant.revoked_at !== null ||
        grant.expiry_recorded_at !== null ||
        grant.expires_at > change.at
      ) {
        throw new StoreError('grant_unavailable', `grant ${change.id} has no expiry to record`);
      }
      return { ...grant, expiry_recorded_at: change.at };
  }
}

export function newGrantRecord(grant: NewGrant): GrantRecord {
  return {
    ...grant,
    uses: 0,
    last_used_at: null,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    expiry_recorded_at: null,
  };
}

/** The grant a change or use names. */
export function grantIdOf(change: GrantChange): string {
  return change.kind === 'create' ? change.grant.id : change.id;
}
