import type pg from 'pg';
import { guardedStatements } from '../postgres/postgres-errors.js';
import {
  boundedError,
  type NewOutboxMessage,
  type OutboxOutcome,
  type OutboxRow,
  type OutboxStore,
  queuedMessage,
  rowToMessage,
  singleOutcomes,
} from './outbox-store.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

const COLUMNS = `id, channel, event_type, action_id, payload, status, attempts, next_attempt_at, lease_owner,
  lease_expires_at, last_error, created_at, updated_at, delivered_at`;
// Rows a concurrent claim has locked are skipped, not waited for: each replica gets its own messages.
// The byte bound keeps a prefix of the due order (a running sum), always at least its first row.
const CLAIM = `UPDATE outbox AS o SET lease_owner = $1, lease_expires_at = $2, attempts = o.attempts + 1, updated_at = $3
  FROM (SELECT id FROM (
          SELECT id, row_number() OVER due_order AS n, sum(octet_length(payload)) OVER due_order AS bytes
          FROM (SELECT id, next_attempt_at, payload FROM outbox WHERE status = 'queued' AND next_attempt_at <= $3
                  AND (lease_expires_at IS NULL OR lease_expires_at <= $3)
                ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) AS locked
          WINDOW due_order AS (ORDER BY next_attempt_at, id ROWS UNBOUNDED PRECEDING)) AS sized
        WHERE n = 1 OR $5::bigint IS NULL OR bytes <= $5::bigint) AS due
  WHERE o.id = due.id
  RETURNING ${COLUMNS.split(',')
    .map((c) => `o.${c.trim()}`)
    .join(', ')}`;

// Each outcome at most once per id (a worker settles a message once). A message still to be sent when
// an archive removed its action (archive-side-tables.ts) is deleted instead when its outcome ends it
// (delivered, or failed for good), as the archive removes the ended messages of the actions it
// removes: kept, it would stay for ever. The update skips what the delete took, so no row is changed
// twice in the statement.
const SETTLE = `WITH s AS (
    SELECT * FROM json_to_recordset($2::json) AS s(id text, at text, result text, error text, retry_at text)),
  gone AS (DELETE FROM outbox AS o USING s
    WHERE o.id = s.id AND o.lease_owner = $1 AND o.status = 'queued'
      AND (s.result = 'delivered' OR (s.result = 'failed' AND s.retry_at IS NULL))
      AND o.action_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = o.action_id)
    RETURNING o.id),
  settled AS (UPDATE outbox AS o SET
    status = CASE s.result WHEN 'delivered' THEN 'delivered'
      WHEN 'failed' THEN CASE WHEN s.retry_at IS NULL THEN 'dead' ELSE 'queued' END ELSE o.status END,
    delivered_at = CASE WHEN s.result = 'delivered' THEN s.at ELSE o.delivered_at END,
    next_attempt_at = CASE WHEN s.result = 'failed' THEN coalesce(s.retry_at, o.next_attempt_at) ELSE o.next_attempt_at END,
    last_error = CASE s.result WHEN 'delivered' THEN NULL WHEN 'failed' THEN s.error ELSE o.last_error END,
    attempts = CASE WHEN s.result = 'released' THEN greatest(0, o.attempts - 1) ELSE o.attempts END,
    updated_at = s.at, lease_owner = NULL, lease_expires_at = NULL
  FROM s
  WHERE o.id = s.id AND o.lease_owner = $1 AND o.status = 'queued' AND o.id NOT IN (SELECT id FROM gone)
  RETURNING o.id)
SELECT id FROM gone UNION ALL SELECT id FROM settled`;

/**
 * Outbox rows as the batch writer inserts them (json_populate_recordset, which ignores the keys that
 * are no column), with the event's time.
 */
export function outboxRows(messages: readonly NewOutboxMessage[], at: string) {
  return messages.map((m) => ({ ...queuedMessage(m, at), payload: m.payload_json ?? JSON.stringify(m.payload) }));
}

/** `store.outbox` on PostgreSQL: single statements outside the ledger's write queue. */
export function createPostgresOutbox(query: Query, assertOpen: () => void): OutboxStore {
  const run = guardedStatements(assertOpen);
  // One statement for all the outcomes.
  const settle = async (owner: string, outcomes: readonly OutboxOutcome[]): Promise<boolean[]> => {
    if (outcomes.length === 0) return [];
    const rows = outcomes.map((o) => ({
      id: o.id,
      at: o.at,
      result: o.result,
      error: o.result === 'failed' ? boundedError(o.error) : null,
      retry_at: o.result === 'failed' ? o.retry_at : null,
    }));
    const applied = await run('recording delivery outcomes', () =>
      query<{ id: string }>(SETTLE, [owner, JSON.stringify(rows)]),
    );
    const ids = new Set(applied.map((r) => r.id));
    return outcomes.map((o) => ids.has(o.id));
  };
  const one = async (id: string) => {
    const [row] = await query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id]);
    return row === undefined ? null : rowToMessage(row);
  };
  return {
    async add(messages, at) {
      await run('queueing notifications', () =>
        query(`INSERT INTO outbox SELECT * FROM json_populate_recordset(NULL::outbox, $1::json)`, [
          JSON.stringify(outboxRows(messages, at)),
        ]),
      );
    },

    async claim({ owner, at, lease_expires_at, limit, max_bytes }) {
      return run('claiming notifications', async () =>
        (await query<OutboxRow>(CLAIM, [owner, lease_expires_at, at, Math.max(0, limit), max_bytes ?? null]))
          .map(rowToMessage)
          .sort((a, b) => (a.next_attempt_at + a.id < b.next_attempt_at + b.id ? -1 : 1)),
      );
    },

    settle,
    ...singleOutcomes(settle),

    async list({ status, action_id, limit }) {
      return run('listing notifications', async () =>
        (
          await query<OutboxRow>(
            `SELECT ${COLUMNS} FROM outbox
             WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR action_id = $2)
             ORDER BY created_at DESC, id DESC LIMIT $3`,
            [status ?? null, action_id ?? null, Math.max(0, limit)],
          )
        ).map(rowToMessage),
      );
    },

    async get(id) {
      return run('reading a notification', () => one(id));
    },

    async retry(id, at) {
      return run('re-driving a notification', async () => {
        const [row] = await query<OutboxRow>(
          `UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $1, updated_at = $1
           WHERE id = $2 AND status = 'dead' RETURNING ${COLUMNS}`,
          [at, id],
        );
        return row === undefined ? null : rowToMessage(row);
      });
    },
  };
}
