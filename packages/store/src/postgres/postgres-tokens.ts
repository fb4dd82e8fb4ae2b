import type pg from 'pg';
import { StoreError } from '../store.js';
import { rowToToken, TOKEN_COLUMNS, type TokenRow, tokenValues } from '../token-rows.js';
import type { TokenStore } from '../token-store.js';
import { toStoreError } from './postgres-errors.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

const SELECT = `SELECT ${TOKEN_COLUMNS.join(', ')} FROM api_tokens`;
const INSERT = `INSERT INTO api_tokens (${TOKEN_COLUMNS.join(', ')})
  VALUES (${TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${TOKEN_COLUMNS.join(', ')}`;
const UNIQUE_VIOLATION = '23505';

/**
 * `store.tokens` on PostgreSQL. Tokens don't touch the ledger, so they bypass the ledger's write
 * queue. `read` retries a cut connection once: fine for reads and for the idempotent updates
 * (revoke, touch), not for the insert, which could then collide with itself.
 */
export function createPostgresTokens(
  query: Query,
  read: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
  assertOpen: () => void,
): TokenStore {
  const one = async (text: string, values: unknown[]) => {
    const [row] = await query<TokenRow>(text, values);
    return row === undefined ? null : rowToToken(row);
  };
  return {
    async create(token) {
      assertOpen();
      try {
        const [row] = await query<TokenRow>(INSERT, tokenValues(token));
        return rowToToken(row as TokenRow);
      } catch (error) {
        if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
          throw new StoreError('already_exists', `a token named "${token.name}" exists and is not revoked`, error);
        }
        throw toStoreError(error, 'creating a token');
      }
    },

    async findByHash(secretHash) {
      return read('looking up a token', () => one(`${SELECT} WHERE secret_hash = $1`, [secretHash]));
    },

    async get(id) {
      return read('reading a token', () => one(`${SELECT} WHERE id = $1`, [id]));
    },

    async findActiveByName(name) {
      return read('reading a token', () => one(`${SELECT} WHERE name = $1 AND revoked_at IS NULL`, [name]));
    },

    async list({ limit, after }) {
      return read('listing tokens', async () => {
        const rows =
          after === undefined
            ? await query<TokenRow>(`${SELECT} ORDER BY created_at, id LIMIT $1`, [Math.max(0, limit)])
            : await query<TokenRow>(
                `${SELECT} WHERE (created_at, id) > (SELECT created_at, id FROM api_tokens WHERE id = $1)
                 ORDER BY created_at, id LIMIT $2`,
                [after, Math.max(0, limit)],
              );
        return rows.map(rowToToken);
      });
    },

    async revoke(id, at, by) {
      return read('revoking a token', async () => {
        await query('UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL', [
          at,
          by,
          id,
        ]);
        return one(`${SELECT} WHERE id = $1`, [id]);
      });
    },

    async touch(uses) {
      if (uses.length === 0) return;
      await read('recording token use', () =>
        query(
          `UPDATE api_tokens t SET last_used_at = u.at
           FROM unnest($1::text[], $2::text[]) AS u(id, at)
           WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at < u.at)`,
          [uses.map((use) => use.id), uses.map((use) => use.at)],
        ),
      );
    },

    async count(at) {
      return read('counting tokens', async () => {
        const [row] = await query<{ total: number; active: number; expired: number }>(
          `SELECT count(*) AS total,
             count(*) FILTER (WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)) AS active,
             count(*) FILTER (WHERE revoked_at IS NULL AND expires_at <= $1) AS expired
           FROM api_tokens`,
          [at],
        );
        return { total: row?.total ?? 0, active: row?.active ?? 0, expired: row?.expired ?? 0 };
      });
    },
  };
}
