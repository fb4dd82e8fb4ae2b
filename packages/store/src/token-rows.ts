import { StoreError } from './store.js';
import type { NewToken, TokenRecord } from './token-store.js';

/** The api_tokens columns, in the order the SQL adapters select and insert them. */
export const TOKEN_COLUMNS = [
  'id',
  'name',
  'role',
  'groups',
  'agent_ids',
  'secret_hash',
  'prefix',
  'created_at',
  'created_by',
  'last_used_at',
  'expires_at',
  'revoked_at',
  'revoked_by',
] as const;

export type TokenRow = Omit<TokenRecord, 'groups' | 'agent_ids'> & { groups: string; agent_ids: string | null };

/** A stored row as a record; a row whose lists can't be read is damage, reported as `corrupt`. */
export function rowToToken(row: TokenRow): TokenRecord {
  return { ...row, groups: parseList(row.groups, row.id) ?? [], agent_ids: parseList(row.agent_ids, row.id) };
}

/** The values of a new token's row, in TOKEN_COLUMNS order (lists as JSON text). */
export function tokenValues(token: NewToken): unknown[] {
  const row: TokenRow = {
    ...token,
    groups: JSON.stringify(token.groups),
    agent_ids: token.agent_ids === null ? null : JSON.stringify(token.agent_ids),
    last_used_at: null,
    revoked_at: null,
    revoked_by: null,
  };
  return TOKEN_COLUMNS.map((column) => row[column]);
}

function parseList(text: string | null, id: string): string[] | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new StoreError('corrupt', `token ${id} has an unreadable list column`);
  }
  return value;
}
