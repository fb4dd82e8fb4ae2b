import { canonicalJson } from '@faramesh/canonical';
import { StoreError } from '../store.js';
import type { GrantRecord } from './grant-store.js';

/** The grants columns, in the order the SQL adapters select and insert them. */
export const GRANT_COLUMNS = [
  'id',
  'action_id',
  'tool',
  'operation',
  'scope',
  'high_risk',
  'creators',
  'created_at',
  'expires_at',
  'max_uses',
  'uses',
  'last_used_at',
  'revoked_at',
  'revoked_by',
  'revoke_reason',
  'expiry_recorded_at',
] as const;

export type GrantRow = Omit<GrantRecord, 'scope' | 'creators' | 'high_risk'> & {
  scope: string;
  creators: string;
  /** 0/1 in SQLite, boolean in PostgreSQL. */
  high_risk: number | boolean;
};

/** A stored row as a record; JSON that can't be read is damage, reported as `corrupt`. */
export function rowToGrant(row: GrantRow): GrantRecord {
  try {
    const scope = JSON.parse(row.scope);
    const creators = JSON.parse(row.creators);
    if (typeof scope !== 'object' || scope === null || !Array.isArray(creators)) throw new Error('wrong shape');
    return { ...row, scope, creators, high_risk: row.high_risk === true || row.high_risk === 1 };
  } catch (error) {
    throw new StoreError('corrupt', `grant ${row.id} has an unreadable scope or creators column`, error);
  }
}

/** A record as a row (JSON columns as canonical text; `high_risk` as the adapter wants it). */
export function grantToRow(grant: GrantRecord, bool: (value: boolean) => number | boolean): GrantRow {
  return {
    ...grant,
    scope: canonicalJson(grant.scope),
    creators: canonicalJson(grant.creators),
    high_risk: bool(grant.high_risk),
  };
}
