import { canonicalJson } from '@faramesh/canonical';
import type Database from 'better-sqlite3';
import {
  boundedError,
  type NewOutboxMessage,
  type OutboxMessage,
  type OutboxStatus,
  type OutboxStore,
} from './outbox-store.js';

const COLUMNS = `id, channel, event_type, action_id, payload, status, attempts, next_attempt_at, lease_owner,
  lease_expires_at, last_error, created_at, updated_at, delivered_at`;
const INSERT = `INSERT INTO outbox (id, channel, event_type, action_id, payload, status, attempts, next_attempt_at,
  created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)`;
const CLAIM = `UPDATE outbox SET lease_owner = @owner, lease_expires_at = @until, attempts = attempts + 1,
  updated_at = @at
  WHERE id IN (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= @at
    AND (lease_expires_at IS NULL OR lease_expires_at <= @at) ORDER BY next_attempt_at, id LIMIT @limit)
  RETURNING ${COLUMNS}`;

const ANY_DUE = `SELECT 1 FROM outbox WHERE status = 'queued' AND next_attempt_at <= @at
  AND (lease_expires_at IS NULL OR lease_expires_at <= @at) LIMIT 1`;

interface OutboxRow extends Omit<OutboxMessage, 'payload' | 'status'> {
  payload: string;
  status: string;
}

function rowToMessage(row: OutboxRow): OutboxMessage {
  return { ...row, status: row.status as OutboxStatus, payload: JSON.parse(row.payload) };
}

/** Inserts messages on the writer connection, inside whatever transaction is open (the event's). */
export function insertOutbox(
  sql: (text: string) => Database.Statement,
  messages: readonly NewOutboxMessage[],
  at: string,
): void {
  const insert = sql(INSERT);
  for (const m of messages) {
    insert.run(m.id, m.channel, m.event_type, m.action_id, canonicalJson(m.payload), at, at, at);
  }
}

/** `store.outbox` on SQLite: reads run directly, writes (claims included) through the group-commit queue. */
export function createSqliteOutbox(
  sql: (text: string) => Database.Statement,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(doing: string, run: () => T) => Promise<T>,
): OutboxStore {
  const one = (id: string): OutboxMessage | null => {
    const row = sql(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`).get(id) as OutboxRow | undefined;
    return row === undefined ? null : rowToMessage(row);
  };
  return {
    async add(messages, at) {
      await write('queueing notifications', () => insertOutbox(sql, messages, at));
    },

    async claim({ owner, at, lease_expires_at, limit }) {
      // An idle outbox costs a read, not a write transaction per poll.
      const due = read('looking for due notifications', () => sql(ANY_DUE).get({ at }));
      if (due === undefined) return [];
      return write('claiming notifications', () =>
        (sql(CLAIM).all({ owner, until: lease_expires_at, at, limit: Math.max(0, limit) }) as OutboxRow[]).map(
          rowToMessage,
        ),
      );
    },

    async complete(id, owner, at) {
      return write('recording a delivery', () => {
        const done = sql(
          `UPDATE outbox SET status = 'delivered', delivered_at = ?, updated_at = ?, last_error = NULL,
             lease_owner = NULL, lease_expires_at = NULL
           WHERE id = ? AND lease_owner = ? AND status = 'queued'`,
        ).run(at, at, id, owner);
        return done.changes === 1;
      });
    },

    async fail(id, owner, { at, error, retry_at }) {
      return write('recording a failed delivery', () => {
        const done = sql(
          `UPDATE outbox SET status = @status, next_attempt_at = coalesce(@retry, next_attempt_at),
             last_error = @error, updated_at = @at, lease_owner = NULL, lease_expires_at = NULL
           WHERE id = @id AND lease_owner = @owner AND status = 'queued'`,
        ).run({
          status: retry_at === null ? 'dead' : 'queued',
          retry: retry_at,
          error: boundedError(error),
          at,
          id,
          owner,
        });
        return done.changes === 1;
      });
    },

    async list({ status, action_id, limit }) {
      return read('listing notifications', () =>
        (
          sql(
            `SELECT ${COLUMNS} FROM outbox
             WHERE (@status IS NULL OR status = @status) AND (@action IS NULL OR action_id = @action)
             ORDER BY created_at DESC, id DESC LIMIT @limit`,
          ).all({ status: status ?? null, action: action_id ?? null, limit: Math.max(0, limit) }) as OutboxRow[]
        ).map(rowToMessage),
      );
    },

    async get(id) {
      return read('reading a notification', () => one(id));
    },

    async retry(id, at) {
      return write('re-driving a notification', () => {
        const done = sql(
          `UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ?
           WHERE id = ? AND status = 'dead'`,
        ).run(at, at, id);
        return done.changes === 1 ? one(id) : null;
      });
    },
  };
}
