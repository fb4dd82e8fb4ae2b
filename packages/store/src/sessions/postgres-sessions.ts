import type pg from 'pg';
import { rowToSession, SESSION_COLUMNS, type SessionRow, type SessionStore, sessionToRow } from './session-store.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;
type Run = (text: string, values: unknown[]) => Promise<number>;

const SELECT = SESSION_COLUMNS.join(', ');
// One statement: the insert and the eviction of the person's oldest sessions commit together.
const CREATE = `WITH added AS (
    INSERT INTO sessions (${SELECT}) VALUES (${SESSION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
    RETURNING id_hash
  )
  DELETE FROM sessions WHERE id_hash IN (
    SELECT id_hash FROM sessions WHERE subject = $2 AND id_hash <> $1
    ORDER BY created_at DESC, id_hash DESC OFFSET $${SESSION_COLUMNS.length + 1})`;

/**
 * `store.sessions` on PostgreSQL. Session writes are single statements outside the ledger's
 * advisory lock (they never touch the ledger), so they don't queue behind submissions.
 */
export function createPostgresSessions(
  query: Query,
  run: Run,
  read: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
  write: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
): SessionStore {
  return {
    async create(session, maxPerSubject) {
      return write('creating a session', async () => ({
        evicted: await run(CREATE, [...sessionToRow(session), Math.max(0, maxPerSubject - 1)]),
      }));
    },

    async get(idHash) {
      return read('reading a session', async () => {
        const [row] = await query<SessionRow>(`SELECT ${SELECT} FROM sessions WHERE id_hash = $1`, [idHash]);
        return row === undefined ? null : rowToSession(row);
      });
    },

    async touch(idHash, lastSeenAt, idleExpiresAt) {
      return write(
        'recording session activity',
        async () =>
          (await run('UPDATE sessions SET last_seen_at = $1, idle_expires_at = $2 WHERE id_hash = $3', [
            lastSeenAt,
            idleExpiresAt,
            idHash,
          ])) > 0,
      );
    },

    async delete(idHash) {
      return write(
        'ending a session',
        async () => (await run('DELETE FROM sessions WHERE id_hash = $1', [idHash])) > 0,
      );
    },

    async deleteExpired(at, limit) {
      return write('sweeping expired sessions', () =>
        run(
          `DELETE FROM sessions WHERE id_hash IN (
             SELECT id_hash FROM sessions WHERE idle_expires_at <= $1 ORDER BY idle_expires_at LIMIT $2)`,
          [at, Math.max(0, limit)],
        ),
      );
    },
  };
}
