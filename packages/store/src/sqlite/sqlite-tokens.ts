import type Database from 'better-sqlite3';
import { StoreError } from '../store.js';
import { rowToToken, TOKEN_COLUMNS, type TokenRow, tokenValues } from '../token-rows.js';
import type { TokenRecord, TokenStore } from '../token-store.js';

const SELECT = `SELECT ${TOKEN_COLUMNS.join(', ')} FROM api_tokens`;
const INSERT = `INSERT INTO api_tokens (${TOKEN_COLUMNS.join(', ')}) VALUES (${TOKEN_COLUMNS.map(() => '?').join(', ')})`;

/** `store.tokens` on SQLite: reads run directly, writes through the group-commit queue. */
export function createSqliteTokens(
  sql: (text: string) => Database.Statement,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(doing: string, run: () => T) => Promise<T>,
): TokenStore {
  const one = (text: string, ...params: unknown[]): TokenRecord | null => {
    const row = sql(text).get(...params) as TokenRow | undefined;
    return row === undefined ? null : rowToToken(row);
  };
  return {
    async create(token) {
      return write('creating a token', () => {
        try {
          sql(INSERT).run(...tokenValues(token));
        } catch (error) {
          if (String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) {
            throw new StoreError('already_exists', `a token named "${token.name}" exists and is not revoked`, error);
          }
          throw error;
        }
        return one(`${SELECT} WHERE id = ?`, token.id) as TokenRecord;
      });
    },

    async findByHash(secretHash) {
      return read('looking up a token', () => one(`${SELECT} WHERE secret_hash = ?`, secretHash));
    },

    async get(id) {
      return read('reading a token', () => one(`${SELECT} WHERE id = ?`, id));
    },

    async findActiveByName(name) {
      return read('reading a token', () => one(`${SELECT} WHERE name = ? AND revoked_at IS NULL`, name));
    },

    async list({ limit, after }) {
      return read('listing tokens', () => {
        const rows =
          after === undefined
            ? sql(`${SELECT} ORDER BY created_at, id LIMIT ?`).all(Math.max(0, limit))
            : sql(
                `${SELECT} WHERE (created_at, id) > (SELECT created_at, id FROM api_tokens WHERE id = ?)
                 ORDER BY created_at, id LIMIT ?`,
              ).all(after, Math.max(0, limit));
        return (rows as TokenRow[]).map(rowToToken);
      });
    },

    async revoke(id, at, by) {
      return write('revoking a token', () => {
        sql('UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL').run(at, by, id);
        return one(`${SELECT} WHERE id = ?`, id);
      });
    },

    async touch(uses) {
      if (uses.length === 0) return;
      await write('recording token use', () => {
        const update = sql(
          'UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
        );
        for (const use of uses) update.run(use.at, use.id, use.at);
      });
    },

    async count(at) {
      return read('counting tokens', () => {
        const row = sql(
          `SELECT count(*) AS total,
             coalesce(sum(revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @at)), 0) AS active,
             coalesce(sum(revoked_at IS NULL AND expires_at <= @at), 0) AS expired
           FROM api_tokens`,
        ).get({ at }) as { total: number; active: number; expired: number };
        return { total: row.total, active: row.active, expired: row.expired };
      });
    },
  };
}
