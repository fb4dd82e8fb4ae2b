import pg from 'pg';
import { createPostgresEmailLinks } from '../email-links/postgres-email-links.js';
import { createPostgresGrants } from '../grants/postgres-grants.js';
import { createPostgresOutbox } from '../outbox/postgres-outbox.js';
import { createPostgresSessions } from '../sessions/postgres-sessions.js';
import { createPostgresSettings } from '../settings/postgres-settings.js';
import { createPostgresShadow } from '../shadow/postgres-shadow.js';
import { createPostgresSlackMessages } from '../slack/postgres-slack-messages.js';
import { prefixUpperBound } from '../sqlite/list-query.js';
import { ACTION_COLUMNS, type ActionRow, type EventRow, rowToAction, rowToEvent } from '../sqlite/row-mapping.js';
import type { ActionRecord, CreateActionResult, Store, StoreInfo, TransitionResult } from '../store.js';
import { StoreError } from '../store.js';
import { validateCreate, validateTransition } from '../validate-input.js';
import { describeDsn } from './describe-dsn.js';
import { LedgerNotifications } from './ledger-listener.js';
import { createPostgresArchive } from './postgres-archive.js';
import { isConnectionError, toStoreError } from './postgres-errors.js';
import { createPostgresLedger } from './postgres-ledger.js';
import { USED } from './postgres-limit-usage.js';
import { actionWhere, eventWhere } from './postgres-list-query.js';
import { appliedVersion, assertNotTooNew, migratePostgres } from './postgres-migrations.js';
import { createPostgresTokens } from './postgres-tokens.js';
import { type CommitStats, PostgresWriteQueue } from './postgres-write-queue.js';

export interface PostgresStoreOptions {
  /** libpq-style connection string, e.g. postgres://user:pass@host:5432/faramesh. */
  dsn: string;
  /** Pooled connections for reads and write batches (the LISTEN connection is extra). Default 10. */
  poolSize?: number;
  /** Most writes per group commit. Default 512. */
  maxBatch?: number;
  /** How long to wait for a connection before failing as `unavailable`. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Called after each group commit, e.g. to count batches in tests or metrics. */
  onCommit?: (stats: CommitStats) => void;
}

export type { CommitStats };

const COLUMNS = ACTION_COLUMNS.join(', ');

// bigint (seq, count(*)) arrives as a string by default; ledger positions fit in a double for ~285,000
// years at 1M events/s, so numbers are safe and keep EventRecord.seq a number as in every adapter.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A Store on PostgreSQL (pg Pool). Writes are group-committed under one transaction-scoped advisory
 * lock (see PostgresWriteQueue), so several processes or replicas can share the database with
 * compare-and-set transitions and one gap-free, commit-ordered, hash-chained ledger. `watch` wakes
 * listeners whenever any process appends (LISTEN/NOTIFY). Call `migrate()` before use.
 */
export function createPostgresStore(options: PostgresStoreOptions): Store & {
  watch(listener: (latestSeq: number | null) => void): () => void;
} {
  const location = describeDsn(options.dsn);
  const connection: pg.ClientConfig = {
    connectionString: options.dsn,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    keepAlive: true,
    application_name: 'faramesh',
    types,
  };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10 });
  // An idle pooled connection cut by a database restart emits 'error'; unhandled, it would crash the
  // process. The pool drops that client and the next query opens a fresh one.
  pool.on('error', () => {});
  // The same can happen to a connection checked out between two queries of a write batch; the batch
  // then fails on its next query and destroys that client.
  pool.on('connect', (client) => client.on('error', () => {}));
  const queue = new PostgresWriteQueue(pool, {
    maxBatch: options.maxBatch ?? 512,
    ...(options.onCommit ? { onCommit: options.onCommit } : {}),
  });
  const notifications = new LedgerNotifications(connection);
  let closed = false;

  /** Runs a read; a connection cut by a restart is retried once on a fresh one (reads are safe to repeat). */
  const read = async <T>(doing: string, run: () => Promise<T>): Promise<T> => {
    if (closed) throw new StoreError('unavailable', 'the store is closed');
    try {
      return await run();
    } catch (error) {
      if (!isConnectionError(error)) throw toStoreError(error, doing);
      try {
        return await run();
      } catch (again) {
        throw toStoreError(again, doing);
      }
    }
  };

  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> =>
    (await pool.query<R>(text, values)).rows;

  /** Actions in `status` whose approval_expires_at <= at, oldest first (pending ones by their partial index). */
  const listExpired = async (status: string, at: string, limit: number): Promise<ActionRecord[]> =>
    (
      await query<ActionRow>(
        `SELECT ${COLUMNS} FROM actions
         WHERE status = $1 AND approval_expires_at <= $2
         ORDER BY approval_expires_at, id LIMIT $3`,
        [status, at, Math.max(0, limit)],
      )
    ).map(rowToAction);

  const rowCount = async (text: string, values: unknown[]) => (await pool.query(text, values)).rowCount ?? 0;
  /** A single-statement write outside the ledger's write queue, never retried. */
  const writeOnce = async <T>(doing: string, run: () => Promise<T>): Promise<T> => {
    if (closed) throw new StoreError('unavailable', 'the store is closed');
    return run().catch((error: unknown) => {
      throw toStoreError(error, doing);
    });
  };

  const schemaVersion = async (): Promise<number> => assertNotTooNew(await appliedVersion(pool), location);

  return {
    async migrate() {
      if (closed) throw new StoreError('unavailable', 'the store is closed');
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStoreError(error, `connecting to ${location}`);
      }
      try {
        const result = await migratePostgres(client, location);
        client.release();
        return result;
      } catch (error) {
        client.release(isConnectionError(error) ? (error as Error) : undefined);
        throw toStoreError(error, `migrating ${location}`);
      }
    },

    async createAction(input) {
      const json = validateCreate(input);
      return queue.enqueue<CreateActionResult>({ kind: 'create', input, json });
    },

    async transition(input) {
      const meta = validateTransition(input);
      return queue.enqueue<TransitionResult>({ kind: 'transition', input, meta });
    },

    async limitUsage(key, since) {
      return read('reading limit usage', async () => {
        const [row] = await query<{ used: number }>(USED, [key, since]);
        return Number(row?.used ?? 0);
      });
    },

    async getAction(id) {
      return read('reading an action', async () => {
        const [row] = await query<ActionRow>(`SELECT ${COLUMNS} FROM actions WHERE id = $1`, [id]);
        return row ? rowToAction(row) : null;
      });
    },

    async findByIdPrefix(prefix, limit) {
      return read('finding actions by id prefix', async () => {
        const upper = prefixUpperBound(prefix);
        const n = Math.max(0, limit);
        // A primary-key range scan; the left() check keeps it exact where JS and the collation disagree.
        const rows =
          upper === null
            ? await query<ActionRow>(`SELECT ${COLUMNS} FROM actions WHERE id >= $1 ORDER BY id LIMIT $2`, [prefix, n])
            : await query<ActionRow>(
                `SELECT ${COLUMNS} FROM actions
                 WHERE id >= $1 AND id < $2 AND left(id, length($1)) = $1 ORDER BY id LIMIT $3`,
                [prefix, upper, n],
              );
        return rows.map(rowToAction);
      });
    },

    async listActions(input) {
      return read('listing actions', async () => {
        const where = actionWhere(input.filter);
        const counted = query<{ n: number }>(`SELECT count(*) AS n FROM actions WHERE ${where.sql}`, [...where.params]);
        const { after } = input;
        const keyset = after
          ? ` AND (created_at, id) < (${where.param(after.created_at)}, ${where.param(after.id)})`
          : '';
        const limit = where.param(Math.max(0, input.limit));
        const offset = where.param(after ? 0 : Math.max(0, input.offset ?? 0));
        const page = `SELECT ${COLUMNS} FROM actions WHERE ${where.sql}${keyset}
             ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`;
        const size = '(length(params) + length(context))';
        // With maxBytes, a running total in the database keeps rows past it from travelling at all.
        const bounded =
          input.maxBytes === undefined
            ? page
            : `SELECT ${COLUMNS} FROM (SELECT p.*, sum(${size}) OVER (ORDER BY created_at DESC, id DESC) - ${size}
               AS before_bytes FROM (${page}) p) q WHERE before_bytes < ${where.param(input.maxBytes)}
               ORDER BY created_at DESC, id DESC`;
        const [rows, total] = await Promise.all([query<ActionRow>(bounded, where.params), counted]);
        if (input.maxBytes !== undefined) {
          const bytes = rows.reduce((sum, row) => sum + String(row.params).length + String(row.context).length, 0);
          const truncated = bytes >= input.maxBytes && rows.length < input.limit;
          return { items: rows.map(rowToAction), total: total[0]?.n ?? 0, truncated };
        }
        return { items: rows.map(rowToAction), total: total[0]?.n ?? 0 };
      });
    },

    async listEvents(actionId) {
      return read('listing events', async () =>
        (await query<EventRow>('SELECT * FROM action_events WHERE action_id = $1 ORDER BY seq', [actionId])).map(
          rowToEvent,
        ),
      );
    },

    async eventsAfter(afterSeq, limit, filter = {}, maxBytes = Number.POSITIVE_INFINITY) {
      return read('reading the ledger', async () => {
        const where = eventWhere(afterSeq, filter);
        const from = where.join ? 'action_events e JOIN actions a ON a.id = e.action_id' : 'action_events e';
        const page = `SELECT e.* FROM ${from} WHERE ${where.sql} ORDER BY e.seq LIMIT ${where.param(Math.max(0, limit))}`;
        if (maxBytes === Number.POSITIVE_INFINITY) return (await query<EventRow>(page, where.params)).map(rowToEvent);
        // A running total in the database, so rows past maxBytes never travel (the driver buffers
        // whole results): keep each row whose predecessors hold less than maxBytes.
        const size = '(length(action_snapshot) + length(meta))';
        const rows = await query<EventRow>(
          `SELECT * FROM (SELECT p.*, sum(${size}) OVER (ORDER BY seq) - ${size} AS before_bytes FROM (${page}) p) q
           WHERE before_bytes < ${where.param(maxBytes)} ORDER BY seq`,
          where.params,
        );
        return rows.map(rowToEvent);
      });
    },

    async latestSeq() {
      return read('reading the ledger head', async () => {
        const [row] = await query<{ seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM action_events');
        return row?.seq ?? 0;
      });
    },

    async listExpiredPending(at, limit) {
      return read('listing expired approvals', () => listExpired('pending_approval', at, limit));
    },

    async listExpiredApproved(at, limit) {
      return read('listing lapsed approvals', () => listExpired('approved', at, limit));
    },

    async listDueEscalations(at, limit) {
      // The expression is the index's (actions_escalation_due), written the same way so it applies.
      const due = "((approval::jsonb) ->> 'next_escalation_at')";
      return read('listing due escalations', async () =>
        (
          await query<ActionRow>(
            `SELECT ${COLUMNS} FROM actions WHERE status = 'pending_approval' AND ${due} <= $1
             ORDER BY ${due}, id LIMIT $2`,
            [at, Math.max(0, limit)],
          )
        ).map(rowToAction),
      );
    },

    async listBreakGlass({ review, limit }) {
      // The expressions are the index's (actions_break_glass), written the same way so it applies.
      const glass = "((approval::jsonb) -> 'break_glass')";
      return read('listing break-glass approvals', async () =>
        (
          await query<ActionRow>(
            `SELECT ${COLUMNS} FROM actions WHERE ${glass} IS NOT NULL
               AND ($2::text IS NULL OR (${glass} -> 'review' ->> 'status') = $2)
             ORDER BY (${glass} ->> 'at') DESC, id DESC LIMIT $1`,
            [Math.max(0, limit), review ?? null],
          )
        ).map(rowToAction),
      );
    },

    async countByStatus() {
      return read('counting actions', async () => {
        const rows = await query<{ status: string; n: number }>(
          'SELECT status, count(*) AS n FROM actions GROUP BY status',
        );
        return Object.fromEntries(rows.map((row) => [row.status, row.n]));
      });
    },

    async ping() {
      await read(`pinging ${location}`, () => query('SELECT 1'));
    },

    async probeWrite(at) {
      // An upsert of one row: safe to retry like a read, and it fails in a read-only transaction
      // (a standby, default_transaction_read_only) with the same error a submission would get.
      await read(`writing the readiness probe to ${location}`, () =>
        query(
          `INSERT INTO readiness_probe (id, probed_at) VALUES (1, $1)
           ON CONFLICT (id) DO UPDATE SET probed_at = EXCLUDED.probed_at`,
          [at],
        ),
      );
    },

    async info(): Promise<StoreInfo> {
      return read('reading store info', async () => {
        const [settings] = await query<Record<string, string>>(
          `SELECT current_setting('synchronous_commit') AS synchronous_commit, current_setting('fsync') AS fsync,
                  current_setting('full_page_writes') AS full_page_writes,
                  current_setting('server_version') AS server_version`,
        );
        return {
          backend: 'postgres' as const,
          schema_version: await schemaVersion(),
          durability: { ...settings },
          location,
        };
      });
    },

    watch(listener) {
      return notifications.watch(listener);
    },

    // A checkpoint insert is safe to repeat after a cut connection, so it may use `read`'s one retry.
    ledger: { ...createPostgresLedger(query, read), archive: createPostgresArchive(pool, query, read) },

    outbox: createPostgresOutbox(query, () => {
      if (closed) throw new StoreError('unavailable', 'the store is closed');
    }),
    emailLinks: createPostgresEmailLinks(query, () => {
      if (closed) throw new StoreError('unavailable', 'the store is closed');
    }),
    slackMessages: createPostgresSlackMessages(query, () => {
      if (closed) throw new StoreError('unavailable', 'the store is closed');
    }),
    grants: createPostgresGrants(query, read),
    tokens: createPostgresTokens(query, read, () => {
      if (closed) throw new StoreError('unavailable', 'the store is closed');
    }),
    // Not retried: a session insert cut after its COMMIT would fail as a duplicate the second time.
    sessions: createPostgresSessions(query, rowCount, read, writeOnce),
    shadow: createPostgresShadow(query, rowCount, read, writeOnce),
    settings: createPostgresSettings(query, read, writeOnce),

    async close() {
      if (closed) return;
      closed = true;
      await queue.close();
      await notifications.stop();
      await pool.end().catch(() => {});
    },
  };
}
