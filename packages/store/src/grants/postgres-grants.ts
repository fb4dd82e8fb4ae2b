import type pg from 'pg';
import { GRANT_COLUMNS, type GrantRow, rowToGrant } from './grant-rows.js';
import type { GrantStore } from './grant-store.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

const COLUMNS = GRANT_COLUMNS.join(', ');
const LIVE = (at: string) => `revoked_at IS NULL AND expires_at > ${at} AND (max_uses IS NULL OR uses < max_uses)`;

/** `store.grants` on PostgreSQL: reads (writes ride on action writes, see postgres/grant-batch.ts). */
export function createPostgresGrants(
  query: Query,
  read: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
): GrantStore {
  const all = async (text: string, values: unknown[]) => (await query<GrantRow>(text, values)).map(rowToGrant);
  return {
    async get(id) {
      return read(
        'reading a grant',
        async () => (await all(`SELECT ${COLUMNS} FROM grants WHERE id = $1`, [id]))[0] ?? null,
      );
    },

    async list({ live_at, action_id, limit, after }) {
      return read('listing grants', () =>
        all(
          `SELECT ${COLUMNS} FROM grants
           WHERE ($1::text IS NULL OR (${LIVE('$1')}))
             AND ($2::text IS NULL OR action_id = $2)
             AND ($3::text IS NULL OR (created_at, id) < (SELECT created_at, id FROM grants WHERE id = $3))
           ORDER BY created_at DESC, id DESC LIMIT $4`,
          [live_at ?? null, action_id ?? null, after ?? null, Math.max(0, limit)],
        ),
      );
    },

    async live(tool, operation, at, limit) {
      return read('looking up grants', () =>
        all(
          `SELECT ${COLUMNS} FROM grants WHERE tool = $1 AND operation = $2 AND ${LIVE('$3')}
           ORDER BY created_at, id LIMIT $4`,
          [tool, operation, at, Math.max(0, limit)],
        ),
      );
    },

    async dueExpiry(at, limit) {
      return read('listing expired grants', () =>
        all(
          `SELECT ${COLUMNS} FROM grants
           WHERE revoked_at IS NULL AND expiry_recorded_at IS NULL AND expires_at <= $1
           ORDER BY expires_at, id LIMIT $2`,
          [at, Math.max(0, limit)],
        ),
      );
    },
  };
}
