import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { canonicalJson } from '@faramesh/canonical';
import Database from 'better-sqlite3';
import { applyPatch } from '../apply-patch.js';
import { eventHashWithSnapshot } from '../hash-chain.js';
import { ledgerSnapshot } from '../ledger-snapshot.js';
import {
  type ActionRecord,
  type CreateActionInput,
  type CreateActionResult,
  type EventRecord,
  GENESIS_HASH,
  type NewEvent,
  type Store,
  StoreError,
  type TransitionInput,
  type TransitionResult,
} from '../store.js';
import { type ActionJson, validateCreate, validateTransition } from '../validate-input.js';
import { actionWhere, eventWhere, prefixUpperBound } from './list-query.js';
import { assertNotTooNew, migrate } from './migrations.js';
import { ACTION_COLUMNS, type ActionRow, actionToRow, type EventRow, rowToAction, rowToEvent } from './row-mapping.js';
import { guarded, toStoreError } from './sqlite-errors.js';
import { type CommitStats, WriteQueue } from './write-queue.js';

export interface SqliteStoreOptions {
  /** Database file; its parent directory is created. */
  path: string;
  /** FULL (default) fsyncs every commit; NORMAL in WAL mode may lose the last commits on power loss. */
  synchronous?: 'full' | 'normal';
  /** Most writes per group commit. */
  maxBatch?: number;
  /** Called after each group commit, e.g. to count batches in tests or metrics. */
  onCommit?: (stats: CommitStats) => void;
  /** How long a write waits for another process's lock before failing as `unavailable`. */
  busyTimeoutMs?: number;
}

export type { CommitStats };

const COLUMNS = ACTION_COLUMNS.join(', ');
const INSERT_ACTION = `INSERT INTO actions (${COLUMNS}) VALUES (${ACTION_COLUMNS.map(() => '?').join(', ')})`;
const INSERT_EVENT = `INSERT INTO action_events (id, action_id, event_type, meta, created_at, prev_hash, hash, status, action_snapshot)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const SYNCHRONOUS_NAMES: Record<number, string> = { 0: 'off', 1: 'normal', 2: 'full', 3: 'extra' };

/**
 * A Store on one SQLite file (better-sqlite3, WAL). Writes go through a group-commit queue; reads
 * run directly. Call `migrate()` before use. Throws StoreError `schema_too_new` when the file was
 * migrated by a newer build.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const location = options.path === ':memory:' ? options.path : resolve(options.path);
  const synchronous = options.synchronous ?? 'full';
  const db = guarded(`opening ${location}`, () => {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    const opened = new Database(location);
    try {
      opened.pragma('journal_mode = WAL');
      opened.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      opened.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      opened.pragma('foreign_keys = ON');
      assertNotTooNew(opened, location);
    } catch (error) {
      opened.close();
      throw error;
    }
    return opened;
  });
  const queue = new WriteQueue(db, {
    maxBatch: options.maxBatch ?? 512,
    ...(options.onCommit ? { onCommit: options.onCommit } : {}),
  });
  let closed = false;

  // Statements are prepared lazily: before migrate() the tables they name may not exist yet.
  const cache = new Map<string, Database.Statement>();
  const sql = (text: string): Database.Statement => {
    let statement = cache.get(text);
    if (!statement) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };

  const read = <T>(doing: string, run: () => T): T => {
    if (closed) throw new StoreError('unavailable', 'the store is closed');
    return guarded(doing, run);
  };

  const loadAction = (id: string): ActionRecord | null => {
    const row = sql(`SELECT ${COLUMNS} FROM actions WHERE id = ?`).get(id) as ActionRow | undefined;
    return row ? rowToAction(row) : null;
  };

  const loadEvents = (actionId: string): EventRecord[] =>
    (sql('SELECT * FROM action_events WHERE action_id = ? ORDER BY seq').all(actionId) as EventRow[]).map(rowToEvent);

  /** Runs inside the batch transaction, so the chain tip read here can't move before the insert. */
  const appendEvents = (actionId: string, events: NewEvent[], at: string, action: ActionRecord): EventRecord[] => {
    const snapshot = ledgerSnapshot(action);
    const snapshotJson = canonicalJson(snapshot);
    const tip = sql('SELECT hash FROM action_events ORDER BY seq DESC LIMIT 1').get() as { hash: string } | undefined;
    let prevHash = tip?.hash ?? GENESIS_HASH;
    const insert = sql(INSERT_EVENT);
    return events.map((event) => {
      const { meta } = event;
      const metaJson = canonicalJson(meta);
      const hashed = { id: event.id, action_id: actionId, event_type: event.event_type, meta, created_at: at };
      const hash = eventHashWithSnapshot(prevHash, hashed, snapshotJson, metaJson);
      const result = insert.run(
        event.id,
        actionId,
        event.event_type,
        metaJson,
        at,
        prevHash,
        hash,
        snapshot.status,
        snapshotJson,
      );
      const record: EventRecord = {
        seq: Number(result.lastInsertRowid),
        ...hashed,
        prev_hash: prevHash,
        hash,
        // One snapshot object per write, shared by its events: records are read-only to callers.
        action: snapshot,
      };
      prevHash = hash;
      return record;
    });
  };

  const createNow = (input: CreateActionInput, json: ActionJson): CreateActionResult => {
    const { action: newAction } = input;
    if (newAction.idempotency_key !== null) {
      const existing = sql(
        `SELECT ${COLUMNS} FROM actions
         WHERE coalesce(submitted_by, x'') = coalesce(?, x'') AND idempotency_key = ?`,
      ).get(newAction.submitted_by, newAction.idempotency_key) as ActionRow | undefined;
      if (existing) {
        const action = rowToAction(existing);
        return { action, events: loadEvents(action.id), created: false };
      }
    }
    const action: ActionRecord = { ...newAction, updated_at: newAction.created_at, version: 1 };
    // The JSON columns were canonicalized once by validateCreate; reuse those texts.
    const row: ActionRow = { ...action, params: json.params, context: json.context, matched_rule: json.matched_rule };
    sql(INSERT_ACTION).run(...ACTION_COLUMNS.map((column) => row[column]));
    return { action, events: appendEvents(action.id, input.events, action.created_at, action), created: true };
  };

  const transitionNow = (input: TransitionInput): TransitionResult => {
    const current = loadAction(input.id);
    if (!current) throw new StoreError('not_found', `action ${input.id} not found`);
    if (current.version !== input.expected_version) {
      throw new StoreError(
        'version_conflict',
        `action ${input.id} is at version ${current.version}, expected ${input.expected_version}`,
      );
    }
    // `current` was parsed from canonical JSON and the patch holds only scalars: no normalizing needed.
    const next = applyPatch(current, input.patch, input.at);
    const row = actionToRow(next);
    const changed = ACTION_COLUMNS.filter((column) => column !== 'id');
    const update = sql(
      `UPDATE actions SET ${changed.map((column) => `${column} = ?`).join(', ')} WHERE id = ? AND version = ?`,
    ).run(...changed.map((column) => row[column]), input.id, input.expected_version);
    // Only reachable if another process wrote between our read and update; BEGIN IMMEDIATE rules it out.
    if (update.changes !== 1) throw new StoreError('version_conflict', `action ${input.id} changed concurrently`);
    return { action: next, events: appendEvents(next.id, input.events, input.at, next) };
  };

  return {
    async migrate() {
      if (closed) throw new StoreError('unavailable', 'the store is closed');
      // Run through the queue so a migration never interleaves with a half-built write batch.
      return queue
        .enqueue(() => migrate(db, location))
        .catch((error: unknown) => {
          throw toStoreError(error, 'migrating');
        });
    },

    async createAction(input) {
      const json = validateCreate(input);
      return queue.enqueue(() => createNow(input, json));
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
        const where = actionWhere(input.filter);
        const total = (
          sql(`SELECT count(*) AS n FROM actions WHERE ${where.sql}`).get(...where.params) as { n: number }
        ).n;
        const { after } = input;
        // A row-value comparison lets SQLite seek the (created_at DESC, id DESC) indexes directly.
        const keyset = after ? ' AND (created_at, id) < (?, ?)' : '';
        const params = after ? [...where.params, after.created_at, after.id] : where.params;
        const rows = sql(
          `SELECT ${COLUMNS} FROM actions WHERE ${where.sql}${keyset}
           ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
        ).all(...params, Math.max(0, input.limit), after ? 0 : Math.max(0, input.offset ?? 0)) as ActionRow[];
        return { items: rows.map(rowToAction), total };
      });
    },

    async transition(input) {
      validateTransition(input);
      return queue.enqueue(() => transitionNow(input));
    },

    async listEvents(actionId) {
      return read('listing events', () => loadEvents(actionId));
    },

    async eventsAfter(afterSeq, limit, filter = {}) {
      return read('reading the ledger', () => {
        const where = eventWhere(afterSeq, filter);
        // CROSS JOIN pins the loop order: walk the ledger from afterSeq and stop at `limit`, instead of
        // collecting every event of every matching action and sorting them (SSE resumes near the head).
        const from = where.join ? 'action_events e CROSS JOIN actions a ON a.id = e.action_id' : 'action_events e';
        const rows = sql(`SELECT e.* FROM ${from} WHERE ${where.sql} ORDER BY e.seq LIMIT ?`).all(
          ...where.params,
          Math.max(0, limit),
        ) as EventRow[];
        return rows.map(rowToEvent);
      });
    },

    async latestSeq() {
      return read('reading the ledger head', () => {
        const row = sql('SELECT max(seq) AS seq FROM action_events').get() as { seq: number | null };
        return row.seq ?? 0;
      });
    },

    async listExpiredPending(at, limit) {
      return read('listing expired approvals', () => {
        const rows = sql(
          // Without statistics the planner prefers actions_status_newest and then sorts every pending row.
          `SELECT ${COLUMNS} FROM actions INDEXED BY actions_pending_expiry
           WHERE status = 'pending_approval' AND approval_expires_at <= ?
           ORDER BY approval_expires_at, id LIMIT ?`,
        ).all(at, Math.max(0, limit)) as ActionRow[];
        return rows.map(rowToAction);
      });
    },

    async countByStatus() {
      return read('counting actions', () => {
        const rows = sql('SELECT status, count(*) AS n FROM actions GROUP BY status').all() as {
          status: string;
          n: number;
        }[];
        return Object.fromEntries(rows.map((row) => [row.status, row.n]));
      });
    },

    async ping() {
      read('pinging', () => sql('SELECT 1').get());
    },

    async info() {
      return read('reading store info', () => ({
        backend: 'sqlite' as const,
        schema_version: assertNotTooNew(db, location),
        durability: {
          journal_mode: String(db.pragma('journal_mode', { simple: true })),
          synchronous: SYNCHRONOUS_NAMES[Number(db.pragma('synchronous', { simple: true }))] ?? 'unknown',
        },
        location,
      }));
    },

    async close() {
      if (closed) return;
      queue.close();
      closed = true;
      guarded('closing', () => db.close());
    },
  };
}
