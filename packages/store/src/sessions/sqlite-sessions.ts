import type Database from 'better-sqlite3';
import { rowToSession, SESSION_COLUMNS, type SessionRow, type SessionStore, sessionToRow } from './session-store.js';

const SELECT = SESSION_COLUMNS.join(', ');
const INSERT = `INSERT INTO sessions (${SELECT}) VALUES (${SESSION_COLUMNS.map(() => '?').join(', ')})`;
// The person's sessions other than the new one, newest first; those past the first `keep` go.
const EVICT = `DELETE FROM sessions WHERE id_hash IN (
  SELECT id_hash FROM sessions WHERE subject = ? AND id_hash <> ?
  ORDER BY created_at DESC, id_hash DESC LIMIT -1 OFFSET ?)`;

/** `store.sessions` on SQLite: reads run directly, writes through the group-commit queue. */
export function createSqliteSessions(
  sql: (text: string) => Database.Statement,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(doing: string, run: () => T) => Promise<T>,
): SessionStore {
  return {
    async create(session, maxPerSubject) {
      return write('creating a session', () => {
        sql(INSERT).run(...sessionToRow(session));
        const { changes } = sql(EVICT).run(session.subject, session.id_hash, Math.max(0, maxPerSubject - 1));
        return { evicted: changes };
      });
    },

    async get(idHash) {
      return read('reading a session', () => {
        const row = sql(`SELECT ${SELECT} FROM sessions WHERE id_hash = ?`).get(idHash) as SessionRow | undefined;
        return row === undefined ? null : rowToSession(row);
      });
    },

    async touch(idHash, lastSeenAt, idleExpiresAt) {
      return write(
        'recording session activity',
        () =>
          sql('UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id_hash = ?').run(
            lastSeenAt,
            idleExpiresAt,
            idHash,
          ).changes > 0,
      );
    },

    async delete(idHash) {
      return write('ending a session', () => sql('DELETE FROM sessions WHERE id_hash = ?').run(idHash).changes > 0);
    },

    async deleteExpired(at, limit) {
      return write(
        'sweeping expired sessions',
        () =>
          sql(
            `DELETE FROM sessions WHERE id_hash IN (
               SELECT id_hash FROM sessions WHERE idle_expires_at <= ? ORDER BY idle_expires_at LIMIT ?)`,
          ).run(at, Math.max(0, limit)).changes,
      );
    },
  };
}
