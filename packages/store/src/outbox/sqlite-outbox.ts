import type Database from 'better-sqlite3';
import {
  boundedError,
  type NewOutboxMessage,
  type OutboxMessage,
  type OutboxOutcome,
  type OutboxRow,
  type OutboxStore,
  rowToMessage,
  singleOutcomes,
} from './outbox-store.js';

const COLUMNS = `id, channel, event_type, action_id, payload, status, attempts, next_attempt_at, lease_owner,
  lease_expires_at, last_error, created_at, updated_at, delivered_at`;
const INSERT = `INSERT INTO outbox (id, channel, event_type, action_id, payload, status, attempts, next_attempt_at,
  lease_owner, lease_expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`;
// The byte bound keeps a prefix of the due order (a running sum over the first `limit` due rows),
// always at least its first row.
const CLAIM = `UPDATE outbox SET lease_owner = @owner, lease_expires_at = @until, attempts = attempts + 1,
  updated_at = @at
  WHERE id IN (SELECT id FROM (
    SELECT id, row_number() OVER due_order AS n, sum(length(CAST(payload AS BLOB))) OVER due_order AS bytes
    FROM (SELECT id, next_attempt_at, payload FROM outbox WHERE status = 'queued' AND next_attempt_at <= @at
      AND (lease_expires_at IS NULL OR lease_expires_at <= @at) ORDER BY next_attempt_at, id LIMIT @limit)
    WINDOW due_order AS (ORDER BY next_attempt_at, id ROWS UNBOUNDED PRECEDING))
  WHERE n = 1 OR @bytes IS NULL OR bytes <= @bytes)
  RETURNING ${COLUMNS}`;

// An outcome that ends a message applies only while its action is still there (or it names none);
// otherwise ENDED_ORPHAN below deletes it instead. One statement on the usual path.
const ACTION_KEPT = 'action_id IS NULL OR EXISTS (SELECT 1 FROM actions a WHERE a.id = outbox.action_id)';
const DELIVERED = `UPDATE outbox SET status = 'delivered', delivered_at = @at, updated_at = @at, last_error = NULL,
    lease_owner = NULL, lease_expires_at = NULL
  WHERE id = @id AND lease_owner = @owner AND status = 'queued' AND (${ACTION_KEPT})`;
const FAILED = `UPDATE outbox SET status = @status, next_attempt_at = coalesce(@retry, next_attempt_at),
    last_error = @error, updated_at = @at, lease_owner = NULL, lease_expires_at = NULL
  WHERE id = @id AND lease_owner = @owner AND status = 'queued' AND (@retry IS NOT NULL OR ${ACTION_KEPT})`;
const RELEASED = `UPDATE outbox SET attempts = max(0, attempts - 1), updated_at = @at, lease_owner = NULL,
    lease_expires_at = NULL
  WHERE id = @id AND lease_owner = @owner AND status = 'queued'`;

// A message still to be sent when an archive removed its action (archive-side-tables.ts) goes when
// it ends (delivered, or failed for good), as the archive removes the ended messages of the actions
// it removes: kept, it would stay for ever, since no later archive looks for it.
const ENDED_ORPHAN = `DELETE FROM outbox WHERE id = @id AND lease_owner = @owner AND status = 'queued'
  AND action_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = outbox.action_id)`;

const ANY_DUE = `SELECT 1 FROM outbox WHERE status = 'queued' AND next_attempt_at <= @at
  AND (lease_expires_at IS NULL OR lease_expires_at <= @at) LIMIT 1`;

const dueFirst = (a: OutboxMessage, b: OutboxMessage) =>
  a.next_attempt_at < b.next_attempt_at || (a.next_attempt_at === b.next_attempt_at && a.id < b.id) ? -1 : 1;

/** Applies one outcome on the writer connection; whether the owner still held the lease. */
function applyOutcome(sql: (text: string) => Database.Statement, owner: string, o: OutboxOutcome): boolean {
  const { id, at } = o;
  // Not applied: a lease lost to another worker, or an ended message whose action is gone.
  const orphanEnded = () => sql(ENDED_ORPHAN).run({ id, owner }).changes === 1;
  switch (o.result) {
    case 'delivered':
      return sql(DELIVERED).run({ id, owner, at }).changes === 1 || orphanEnded();
    case 'failed':
      return (
        sql(FAILED).run({
          id,
          owner,
          at,
          status: o.retry_at === null ? 'dead' : 'queued',
          retry: o.retry_at,
          error: boundedError(o.error),
        }).changes === 1 ||
        (o.retry_at === null && orphanEnded())
      );
    case 'released':
      return sql(RELEASED).run({ id, owner, at }).changes === 1;
  }
}

/**
 * Inserts messages on the writer connection, inside whatever transaction is open (the event's). The
 * payload is stored as JSON.stringify writes it (it is never hashed, so it needs no canonical form:
 * JSON.stringify is native and several times cheaper); every retry sends the same stored text. A
 * leased message is stored with its lease and first attempt (see NewOutboxMessage.lease).
 */
export function insertOutbox(
  sql: (text: string) => Database.Statement,
  messages: readonly NewOutboxMessage[],
  at: string,
): void {
  const insert = sql(INSERT);
  for (const m of messages) {
    const { lease } = m;
    insert.run(
      m.id,
      m.channel,
      m.event_type,
      m.action_id,
      m.payload_json ?? JSON.stringify(m.payload),
      lease === undefined ? 0 : 1,
      at,
      lease?.owner ?? null,
      lease?.expires_at ?? null,
      at,
      at,
    );
  }
}

/** `store.outbox` on SQLite: reads run directly, writes (claims included) through the group-commit queue. */
export function createSqliteOutbox(
  sql: (text: string) => Database.Statement,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(doing: string, run: () => T) => Promise<T>,
): OutboxStore {
  // One write (one statement each, in one transaction) for all the outcomes.
  const settle = async (owner: string, outcomes: readonly OutboxOutcome[]): Promise<boolean[]> =>
    outcomes.length === 0
      ? []
      : write('recording delivery outcomes', () => outcomes.map((o) => applyOutcome(sql, owner, o)));
  const one = (id: string): OutboxMessage | null => {
    const row = sql(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`).get(id) as OutboxRow | undefined;
    return row === undefined ? null : rowToMessage(row);
  };
  return {
    async add(messages, at) {
      await write('queueing notifications', () => insertOutbox(sql, messages, at));
    },

    async claim({ owner, at, lease_expires_at, limit, max_bytes }) {
      // An idle outbox costs a read, not a write transaction per poll.
      const due = read('looking for due notifications', () => sql(ANY_DUE).get({ at }));
      if (due === undefined) return [];
      const rows = await write(
        'claiming notifications',
        () =>
          sql(CLAIM).all({
            owner,
            until: lease_expires_at,
            at,
            limit: Math.max(0, limit),
            bytes: max_bytes ?? null,
          }) as OutboxRow[],
      );
      // RETURNING has no order of its own.
      return rows.map(rowToMessage).sort(dueFirst);
    },

    settle,
    ...singleOutcomes(settle),

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
