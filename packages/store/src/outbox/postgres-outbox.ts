import { canonicalJson } from '@faramesh/canonical';
import type pg from 'pg';
import { guardedRun } from '../postgres/guarded-run.js';
import {
  boundedError,
  type NewOutboxMessage,
  type OutboxMessage,
  type OutboxStatus,
  type OutboxStore,
  queuedMessage,
} from './outbox-store.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

const COLUMNS = `id, channel, event_type, action_id, payload, status, attempts, next_attempt_at, lease_owner,
  lease_expires_at, last_error, created_at, updated_at, delivered_at`;
// Rows a concurrent claim has locked are skipped, not waited for: each replica gets its own messages.
const CLAIM = `UPDATE outbox AS o SET lease_owner = $1, lease_expires_at = $2, attempts = o.attempts + 1, updated_at = $3
  FROM (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $3
          AND (lease_expires_at IS NULL OR lease_expires_at <= $3)
        ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) AS due
  WHERE o.id = due.id
  RETURNING ${COLUMNS.split(',')
    .map((c) => `o.${c.trim()}`)
    .join(', ')}`;

interface OutboxRow extends Omit<OutboxMessage, 'payload' | 'status'> {
  payload: string;
  status: string;
}

function rowToMessage(row: OutboxRow): OutboxMessage {
  return { ...row, status: row.status as OutboxStatus, payload: JSON.parse(row.payload) };
}

/** Outbox rows as the batch writer inserts them (json_populate_recordset), with the event's time. */
export function outboxRows(messages: readonly NewOutboxMessage[], at: string) {
  return messages.map((m) => ({ ...queuedMessage(m, at), payload: canonicalJson(m.payload) }));
}

/** `store.outbox` on PostgreSQL: single statements outside the ledger's write queue. */
export function createPostgresOutbox(query: Query, assertOpen: () => void): OutboxStore {
  const run = guardedRun(assertOpen);
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

    async claim({ owner, at, lease_expires_at, limit }) {
      return run('claiming notifications', async () =>
        (await query<OutboxRow>(CLAIM, [owner, lease_expires_at, at, Math.max(0, limit)]))
          .map(rowToMessage)
          .sort((a, b) => (a.next_attempt_at + a.id < b.next_attempt_at + b.id ? -1 : 1)),
      );
    },

    async complete(id, owner, at) {
      return run('recording a delivery', async () => {
        const rows = await query(
          `UPDATE outbox SET status = 'delivered', delivered_at = $1, updated_at = $1, last_error = NULL,
             lease_owner = NULL, lease_expires_at = NULL
           WHERE id = $2 AND lease_owner = $3 AND status = 'queued' RETURNING id`,
          [at, id, owner],
        );
        return rows.length === 1;
      });
    },

    async fail(id, owner, { at, error, retry_at }) {
      return run('recording a failed delivery', async () => {
        const rows = await query(
          `UPDATE outbox SET status = $1, next_attempt_at = coalesce($2, next_attempt_at), last_error = $3,
             updated_at = $4, lease_owner = NULL, lease_expires_at = NULL
           WHERE id = $5 AND lease_owner = $6 AND status = 'queued' RETURNING id`,
          [retry_at === null ? 'dead' : 'queued', retry_at, boundedError(error), at, id, owner],
        );
        return rows.length === 1;
      });
    },

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
