import { resolve } from 'node:path';
import { createSqliteEmailLinks } from '../email-links/sqlite-email-links.js';
import { createSqliteGrants } from '../grants/sqlite-grants.js';
import { createSqliteOutbox } from '../outbox/sqlite-outbox.js';
import { createSqliteSessions } from '../sessions/sqlite-sessions.js';
import { createSqliteSettings } from '../settings/sqlite-settings.js';
import { createSqliteShadow } from '../shadow/sqlite-shadow.js';
import { createSqliteSlackMessages } from '../slack/sqlite-slack-messages.js';
import {
  type ActionRecord,
  type CreateActionResult,
  type EventRecord,
  type Store,
  StoreError,
  type TransitionResult,
} from '../store.js';
import { validateCreate, validateTransition } from '../validate-input.js';
import { ActionCounts, type CountDelta } from './action-counts.js';
import { type CheckpointTuning, checkpointerFor } from './checkpointer.js';
import { expandCreate } from './created-records.js';
import { EVENT_ACTION_ID, eventWhere, prefixUpperBound } from './list-query.js';
import { listWhereAndTotal } from './list-total.js';
import { assertNotTooNew } from './migrations.js';
import { openDatabase } from './open-database.js';
import { RecentUsage } from './recent-usage.js';
import { ACTION_COLUMNS, type ActionRow, rowToAction, SEQS_OF_ACTION } from './row-mapping.js';
import { createSqliteArchive } from './sqlite-archive.js';
import { guarded, toStoreError } from './sqlite-errors.js';
import { createSqliteLedger } from './sqlite-ledger.js';
import { usedInWindow } from './sqlite-limit-usage.js';
import { createSqliteTokens } from './sqlite-tokens.js';
import { createSqliteWriter } from './sqlite-writer.js';
import { statementCache } from './statement-cache.js';
import { SELECT_OWNERS, STORED_EVENT_COLUMNS, type StoredEventRow, storedEventReader } from './stored-events.js';
import { type CommitStats, WriteQueue } from './write-queue.js';

export interface SqliteStoreOptions {
  /** Database file; its parent directory is created. */
  path: string;
  /** FULL (default) fsyncs every commit; NORMAL in WAL mode may lose the last commits on power loss. */
  synchronous?: 'full' | 'normal';
  /** Most writes per group commit. */
  maxBatch?: number;
  /**
   * Counted limit usage waiting to be moved into its index, at most (recent-usage.ts); tests set it
   * low to move often.
   */
  usageMoveRows?: number;
  /** Called after each group commit, e.g. to count batches in tests or metrics. */
  onCommit?: (stats: CommitStats) => void;
  /** How long a write waits for another process's lock before failing as `unavailable`. */
  busyTimeoutMs?: number;
  /**
   * Checkpoint the WAL from a worker thread rather than inside commits (checkpointer.ts): the server
   * turns it on; one-off CLI uses leave it off. Ignored for `:memory:`.
   */
  checkpointWorker?: boolean | CheckpointTuning;
  /** Hears why the checkpoint worker failed (the writer checkpoints inside its commits again). */
  onCheckpointFailure?: (error: Error) => void;
}

export type { CommitStats };

const COLUMNS = ACTION_COLUMNS.join(', ');
const PROBE_UPSERT =
  'INSERT INTO readiness_probe (id, probed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at';
const SYNCHRONOUS_NAMES: Record<number, string> = { 0: 'off', 1: 'normal', 2: 'full', 3: 'extra' };

/**
 * A Store on one SQLite file (better-sqlite3, WAL). Writes go through a group-commit queue; reads
 * run directly. Call `migrate()` before use. Throws StoreError `schema_too_new` when the file was
 * migrated by a newer build.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const location = options.path === ':memory:' ? options.path : resolve(options.path);
  const settings = {
    location,
    synchronous: options.synchronous ?? 'full',
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
  } as const;
  // One connection serves reads and writes; opening it sets WAL and checks the schema.
  const db = openDatabase(settings);
  const checkpointer = checkpointerFor(db, settings, options);
  const counts = new ActionCounts(db);
  const recent = new RecentUsage(db, options.usageMoveRows);
  const writer = createSqliteWriter(db, location, recent);
  const queue = new WriteQueue(db, {
    maxBatch: options.maxBatch ?? 512,
    around: { begin: writer.beginBatch, finish: writer.finishBatch, ended: writer.endBatch },
    ...(options.onCommit ? { onCommit: options.onCommit } : {}),
  });
  /** Queues a write; its count changes apply only once its batch has committed. */
  const enqueue = <T>(run: (counted: CountDelta[]) => T): Promise<T> => {
    const counted: CountDelta[] = [];
    return queue.enqueue(
      () => run(counted),
      () => counts.apply(counted),
    );
  };
  let closed = false;
  const sql = statementCache(db);

  const read = <T>(doing: string, run: () => T): T => {
    if (closed) throw new StoreError('unavailable', 'the store is closed');
    return guarded(doing, run);
  };

  const loadAction = (id: string): ActionRecord | null => {
    const row = sql(`SELECT ${COLUMNS} FROM actions WHERE id = ?`).get(id) as ActionRow | undefined;
    return row ? rowToAction(row) : null;
  };

  /**
   * Actions in `status` whose approval_expires_at <= at, oldest first; the index is pinned per status.
   * The status is a literal of the statement (never caller input): the partial index needs it to apply.
   */
  const listExpired = (index: string, status: 'pending_approval' | 'approved', at: string, limit: number) =>
    (
      sql(
        `SELECT ${COLUMNS} FROM actions INDEXED BY ${index}
         WHERE status = '${status}' AND approval_expires_at <= ?
         ORDER BY approval_expires_at, id LIMIT ?`,
      ).all(at, Math.max(0, limit)) as ActionRow[]
    ).map(rowToAction);

  /** A reader of stored events for one read, loading their action rows (snapshots are rebuilt from them). */
  const eventReader = () => storedEventReader((ids) => sql(SELECT_OWNERS).all(JSON.stringify(ids)) as ActionRow[]);
  /** Stored event rows as ledger events, their action rows loaded in one statement. */
  const toRecords = (rows: StoredEventRow[]): EventRecord[] => {
    const reader = eventReader();
    reader.preload(rows);
    return rows.map((row) => reader.record(row));
  };

  const loadEvents = (actionId: string): EventRecord[] =>
    toRecords(
      sql(`SELECT ${STORED_EVENT_COLUMNS} FROM action_events e WHERE e.seq IN (${SEQS_OF_ACTION}) ORDER BY e.seq`).all(
        actionId,
      ) as StoredEventRow[],
    );

  const write = (doing: string, run: () => Promise<unknown>): Promise<unknown> => {
    if (closed) return Promise.reject(new StoreError('unavailable', 'the store is closed'));
    return run().catch((error: unknown) => {
      throw toStoreError(error, doing);
    });
  };

  /** One write through the group-commit queue: what the side stores (tokens, outbox, …) write with. */
  const queued = async <T>(doing: string, run: () => T): Promise<T> =>
    (await write(doing, () => queue.enqueue(run))) as T;

  return {
    async migrate() {
      if (closed) throw new StoreError('unavailable', 'the store is closed');
      // Through the writer, so a migration never interleaves with a half-built write batch.
      return (await write('migrating', () => queue.enqueue(() => writer.migrate()))) as { from: number; to: number };
    },

    async createAction(input) {
      const json = validateCreate(input);
      const value = await write('writing', () => enqueue((counted) => writer.create(input, json, counted)));
      return expandCreate(input, value as ReturnType<typeof writer.create>) satisfies CreateActionResult;
    },

    memoryBytes() {
      return { sqlite_list_counts: counts.heldChars * 2, sqlite_window_starts: recent.starts.size.bytes };
    },

    async getAction(id) {
      return read('reading an action', () => loadAction(id));
    },

    async findByIdPrefix(prefix, limit) {
      return read('finding actions by id prefix', () => {
        const upper = prefixUpperBound(prefix);
        // The substr check keeps the result exact even where JS and SQLite order characters differently.
        const rows = (
          upper === null
            ? sql(`SELECT ${COLUMNS} FROM actions WHERE id >= ? ORDER BY id LIMIT ?`).all(prefix, Math.max(0, limit))
            : sql(
                `SELECT ${COLUMNS} FROM actions
                 WHERE id >= @prefix AND id < @upper AND substr(id, 1, length(@prefix)) = @prefix
                 ORDER BY id LIMIT @limit`,
              ).all({ prefix, upper, limit: Math.max(0, limit) })
        ) as ActionRow[];
        return rows.map(rowToAction);
      });
    },

    async listActions(input) {
      return read('listing actions', () => {
        const { filter } = input;
        const { where, total } = listWhereAndTotal(sql, counts, filter);
        const { after } = input;
        // A row-value comparison lets SQLite seek the (created_at DESC, id DESC) indexes directly.
        const keyset = after ? ' AND (created_at, id) < (?, ?)' : '';
        const params = after ? [...where.params, after.created_at, after.id] : where.params;
        const statement = sql(
          `SELECT ${COLUMNS} FROM actions WHERE ${where.sql}${keyset}
           ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
        );
        const args = [...params, Math.max(0, input.limit), after ? 0 : Math.max(0, input.offset ?? 0)];
        const maxBytes = input.maxBytes ?? Number.POSITIVE_INFINITY;
        if (maxBytes === Number.POSITIVE_INFINITY) {
          return { items: (statement.all(...args) as ActionRow[]).map(rowToAction), total };
        }
        // Row by row, so reading stops (and nothing more is parsed) once the page holds maxBytes.
        const items: ActionRecord[] = [];
        let bytes = 0;
        for (const row of statement.iterate(...args) as IterableIterator<ActionRow>) {
          items.push(rowToAction(row));
          bytes += String(row.params).length + String(row.context).length;
          if (bytes >= maxBytes) break;
        }
        return { items, total, truncated: bytes >= maxBytes && items.length < input.limit };
      });
    },

    async transition(input) {
      const meta = validateTransition(input);
      return (await write('writing', () =>
        enqueue((counted) => writer.transition(input, meta, counted)),
      )) as TransitionResult;
    },

    async listEvents(actionId) {
      return read('listing events', () => loadEvents(actionId));
    },

    async eventsAfter(afterSeq, limit, filter = {}, maxBytes = Number.POSITIVE_INFINITY) {
      return read('reading the ledger', () => {
        const where = eventWhere(afterSeq, filter);
        // CROSS JOIN pins the loop order: walk the ledger from afterSeq and stop at `limit`, instead of
        // collecting every event of every matching action and sorting them (SSE resumes near the head).
        const from = where.join
          ? `action_events e CROSS JOIN actions a ON a.id = ${EVENT_ACTION_ID}`
          : 'action_events e';
        const statement = sql(`SELECT ${STORED_EVENT_COLUMNS} FROM ${from} WHERE ${where.sql} ORDER BY e.seq LIMIT ?`);
        if (maxBytes === Number.POSITIVE_INFINITY) {
          return toRecords(statement.all(...where.params, Math.max(0, limit)) as StoredEventRow[]);
        }
        // Row by row, so reading stops (and nothing more is parsed) once the page holds maxBytes.
        const reader = eventReader();
        const events: EventRecord[] = [];
        let bytes = 0;
        for (const row of statement.iterate(...where.params, Math.max(0, limit)) as IterableIterator<StoredEventRow>) {
          events.push(reader.record(row));
          bytes += reader.bytes(row);
          if (bytes >= maxBytes) break;
        }
        return events;
      });
    },

    async latestSeq() {
      return read('reading the ledger head', () => {
        const row = sql('SELECT max(seq) AS seq FROM action_events').get() as { seq: number | null };
        return row.seq ?? 0;
      });
    },

    async listExpiredPending(at, limit) {
      // Without statistics the planner prefers actions_status_newest and then sorts every pending row.
      return read('listing expired approvals', () =>
        listExpired('actions_pending_expiry', 'pending_approval', at, limit),
      );
    },

    async listExpiredApproved(at, limit) {
      // No index of its own: approved rows are few (each starts or lapses within FARAMESH_APPROVED_TTL).
      return read('listing lapsed approvals', () => listExpired('actions_status_newest', 'approved', at, limit));
    },

    async listDueEscalations(at, limit) {
      return read('listing due escalations', () =>
        (
          sql(
            `SELECT ${COLUMNS} FROM actions INDEXED BY actions_escalation_due
             WHERE status = 'pending_approval' AND json_extract(approval, '$.next_escalation_at') <= ?
             ORDER BY json_extract(approval, '$.next_escalation_at'), id LIMIT ?`,
          ).all(at, Math.max(0, limit)) as ActionRow[]
        ).map(rowToAction),
      );
    },

    async listBreakGlass({ review, limit }) {
      const at = "json_extract(approval, '$.break_glass.at')";
      const status = review === undefined ? '' : "AND json_extract(approval, '$.break_glass.review.status') = ?";
      const params = review === undefined ? [Math.max(0, limit)] : [review, Math.max(0, limit)];
      return read('listing break-glass approvals', () =>
        (
          sql(
            `SELECT ${COLUMNS} FROM actions INDEXED BY actions_break_glass
             WHERE ${at} IS NOT NULL ${status} ORDER BY ${at} DESC, id DESC LIMIT ?`,
          ).all(...params) as ActionRow[]
        ).map(rowToAction),
      );
    },

    async limitUsage(key, since) {
      return read('reading limit usage', () => usedInWindow(sql, recent, key, since));
    },

    async countByStatus() {
      return read('counting actions', () => {
        return counts.byStatus();
      });
    },

    async ping() {
      read('pinging', () => sql('SELECT 1').get());
    },

    async probeWrite(at) {
      // Through the group-commit queue, so the probe commits (and fsyncs) like any other write.
      await write('writing the readiness probe', () => queue.enqueue(() => sql(PROBE_UPSERT).run(at)));
    },

    async info() {
      return read('reading store info', () => ({
        backend: 'sqlite' as const,
        schema_version: assertNotTooNew(db, location),
        durability: {
          journal_mode: String(db.pragma('journal_mode', { simple: true })),
          synchronous: SYNCHRONOUS_NAMES[Number(db.pragma('synchronous', { simple: true }))] ?? 'unknown',
          checkpoint: checkpointer.state(),
        },
        location,
      }));
    },

    ledger: {
      ...createSqliteLedger(
        sql,
        read,
        async (run) => (await write('writing a checkpoint', () => queue.enqueue(run))) as ReturnType<typeof run>,
      ),
      // Archiving removes action rows: the in-memory counts are read again after it commits.
      archive: createSqliteArchive(
        sql,
        read,
        async (run) =>
          (await write('archiving the ledger', () => queue.enqueue(run, () => counts.reset()))) as ReturnType<
            typeof run
          >,
        async (run) => (await write('pruning limit usage', () => queue.enqueue(run))) as ReturnType<typeof run>,
        recent,
      ),
    },

    tokens: createSqliteTokens(sql, read, queued),
    grants: createSqliteGrants(sql, read),
    outbox: createSqliteOutbox(sql, read, queued),
    sessions: createSqliteSessions(sql, read, queued),
    emailLinks: createSqliteEmailLinks(sql, read, queued),
    slackMessages: createSqliteSlackMessages(sql, read, queued),
    shadow: createSqliteShadow(sql, read, queued),
    settings: createSqliteSettings(sql, read, queued),

    async close() {
      if (closed) return;
      closed = true;
      try {
        queue.close();
      } finally {
        // The worker's connection closes first, so the writer's close is the last one: SQLite then
        // checkpoints everything and removes the WAL.
        await checkpointer.stop();
        guarded('closing', () => db.close());
      }
    },
  };
}
