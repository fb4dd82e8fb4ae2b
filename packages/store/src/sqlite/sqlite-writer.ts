import { canonicalJson } from '@faramesh/canonical';
import type Database from 'better-sqlite3';
import { applyPatch } from '../apply-patch.js';
import { createdRecord } from '../created-record.js';
import { changeSqliteGrant, useSqliteGrant } from '../grants/sqlite-grants.js';
import { eventHashWithSnapshot } from '../hash-chain.js';
import { ledgerSnapshot } from '../ledger-snapshot.js';
import { countsOnTransition, resolveGate } from '../limit-usage.js';
import { insertOutbox } from '../outbox/sqlite-outbox.js';
import { insertShadowDisagreement } from '../shadow/sqlite-shadow.js';
import { type MemberTexts, snapshotJson } from '../snapshot-json.js';
import {
  type ActionRecord,
  type CreateActionInput,
  type EventRecord,
  type NewEvent,
  StoreError,
  type TransitionInput,
  type TransitionResult,
} from '../store.js';
import type { ActionJson } from '../validate-input.js';
import type { CountDelta } from './action-counts.js';
import { packHash, packUuid, unpackHash } from './compact-ids.js';
import type { AppendedEvent, CompactCreate } from './created-records.js';
import { migrate } from './migrations.js';
import type { RecentUsage } from './recent-usage.js';
import {
  ACTION_COLUMNS,
  type ActionRow,
  actionToRow,
  createdRowValues,
  rowToAction,
  SEQS_OF_ACTION,
  storedActionRow,
} from './row-mapping.js';
import { INDEX_SEARCH_TAIL, SEARCH_INDEX_ROWS, SEARCH_INDEXED_UPTO, SET_SEARCH_INDEXED } from './search-batch.js';
import { snapshotPatch } from './snapshot-patch.js';
import { countUsageFrom, insertUsage, moveRecentUsage, readWindow } from './sqlite-limit-usage.js';
import { statementCache } from './statement-cache.js';
import { STORED_EVENT_COLUMNS, type StoredEventRow, storedEventReader } from './stored-events.js';

const COLUMNS = ACTION_COLUMNS.join(', ');
const SELECT_ACTION = `SELECT ${COLUMNS} FROM actions WHERE id = ?`;
const SELECT_EVENTS = `SELECT ${STORED_EVENT_COLUMNS} FROM action_events e WHERE e.seq IN (${SEQS_OF_ACTION}) ORDER BY e.seq`;
const SELECT_IDEMPOTENT = `SELECT ${COLUMNS} FROM actions
  WHERE coalesce(submitted_by, x'') = coalesce(?, x'') AND idempotency_key = ?`;
// The tip comes from the high-water row, not max(seq): deleted events never give their seqs back.
const SELECT_TIP = 'SELECT seq, hash FROM ledger_head WHERE id = 1';
const UPDATE_TIP = 'UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1';
const INSERT_ACTION = `INSERT INTO actions (${COLUMNS}, event_seqs) VALUES (${ACTION_COLUMNS.map(() => '?').join(', ')}, ?)`;
/** Columns of an event row, in the order of its values. */
const EVENT_COLUMNS = 10;
/** Most events one INSERT writes; a write's events (one to three in practice) go in one statement. */
const EVENTS_PER_INSERT = 8;
/** INSERT_EVENTS[n]: one statement for n events (one bind and step, not one per event). */
const INSERT_EVENTS = Array.from(
  { length: EVENTS_PER_INSERT + 1 },
  (_, count) => `INSERT INTO action_events
  (seq, id, action_id, event_type, meta, created_at, prev_hash, hash, status, snapshot_patch)
  VALUES ${Array.from({ length: count }, () => `(${Array(EVENT_COLUMNS).fill('?').join(', ')})`).join(', ')}`,
);
const UPDATED_COLUMNS = ACTION_COLUMNS.filter((column) => column !== 'id');
// event_seqs is a JSON array: drop its closing bracket and append ",7,8]".
const UPDATE_ACTION = `UPDATE actions SET ${UPDATED_COLUMNS.map((c) => `${c} = ?`).join(', ')},
  event_seqs = substr(event_seqs, 1, length(event_seqs) - 1) || ',' || ? || ']'
  WHERE id = ? AND version = ?`;

/** The chain tip: the next event gets seq + 1 and links to hash (`packed`: as stored, compact-ids.ts). */
interface Tip {
  seq: number;
  hash: string;
  packed: Buffer | string;
}

/** The seqs the next `count` events will get, as a JSON array body ("7,8"). */
function nextSeqs(tip: Tip, count: number): string {
  let seqs = String(tip.seq + 1);
  for (let i = 2; i <= count; i++) seqs += `,${tip.seq + i}`;
  return seqs;
}

export interface SqliteWriter {
  /** `counted` collects the change for ActionCounts, applied only if the batch commits. */
  create(input: CreateActionInput, json: ActionJson, counted?: CountDelta[]): CompactCreate;
  /** `meta`: the canonical JSON of each event's meta, from validateTransition. */
  transition(input: TransitionInput, meta: readonly string[], counted?: CountDelta[]): TransitionResult;
  migrate(): { from: number; to: number };
  /** Call first in every transaction that may create actions. */
  beginBatch(): void;
  /**
   * Call last in that transaction, before COMMIT: indexes the actions it created for search and
   * moves counted limit usage into its index once enough waits (recent-usage.ts).
   */
  finishBatch(): void;
  /** Call once the transaction ended: the usage mirror keeps its changes only if it committed. */
  endBatch(committed: boolean): void;
}

/**
 * The synchronous write operations on the connection that owns writes. Each runs inside the
 * group-commit transaction (in its own savepoint), so the chain tip read here can't move before
 * the insert.
 */
export function createSqliteWriter(db: Database.Database, location: string, recent: RecentUsage): SqliteWriter {
  const sql = statementCache(db);
  // Whether this transaction brought the usage mirror up to date (at its first use of limit usage).
  let usageSynced = false;
  const usage = (): RecentUsage => {
    if (!usageSynced) {
      recent.sync();
      usageSynced = true;
    }
    return recent;
  };
  // The rowid of the last action this transaction inserted (search-batch.ts: the tail is indexed once
  // it is SEARCH_INDEX_ROWS long). A row a failed op's savepoint rolled back only makes it early.
  let lastInserted: number | null = null;
  // The tip as of the last event this transaction appended: read once per batch, not per write, and
  // written back to ledger_head once, before COMMIT (finishBatch). A write that fails restores it
  // (keepingTip), as its savepoint rolls its events back.
  let tip: Tip | null = null;
  // The seq ledger_head holds in this transaction (null: not read yet).
  let storedTipSeq: number | null = null;

  const loadAction = (id: string): ActionRecord | null => {
    const row = sql(SELECT_ACTION).get(id) as ActionRow | undefined;
    return row ? rowToAction(row) : null;
  };

  const readTip = (): Tip => {
    if (tip !== null) return tip;
    const row = sql(SELECT_TIP).get() as { seq: number; hash: Buffer | string } | undefined;
    // Never restart from seq 1: that would reuse positions readers already saw.
    if (row === undefined) throw new StoreError('corrupt', `${location}: the ledger high-water row is missing`);
    const hash = unpackHash(row.hash);
    tip = { seq: row.seq, hash, packed: packHash(hash) };
    storedTipSeq = row.seq;
    return tip;
  };

  /** Runs one write; if it throws, the tip is as before it (its savepoint rolls its events back). */
  const keepingTip = <T>(run: () => T): T => {
    const before = tip;
    const mark = recent.mark();
    try {
      return run();
    } catch (error) {
      tip = before;
      recent.rollbackTo(mark);
      throw error;
    }
  };

  /**
   * Appends after `tip`. Each event stores only what its snapshot doesn't share with the action row
   * (snapshot-patch.ts), no created_at when it is the action's (the events of its create write), and
   * no prev_hash after the write's first event (it is the hash of the event just before).
   */
  const appendEvents = (
    actionId: string,
    events: NewEvent[],
    metaJson: readonly string[],
    at: string,
    snapshot: ActionRecord,
    snapshotText: string,
  ): AppendedEvent[] => {
    const from = readTip();
    const patch = snapshotPatch(snapshot, snapshot.status);
    const storedAt = at === snapshot.created_at ? null : at;
    const packedActionId = packUuid(actionId);
    const firstSeq = from.seq + 1;
    let prevHash = from.hash;
    let packed = from.packed;
    const values: unknown[] = [];
    const appended = events.map((event, index) => {
      const seq = firstSeq + index;
      // Validation canonicalized every meta; a text is missing only for events it never saw.
      const meta = metaJson[index] ?? canonicalJson(event.meta);
      const fields = {
        id: event.id,
        action_id: actionId,
        event_type: event.event_type,
        meta: event.meta,
        created_at: at,
      };
      const hash = eventHashWithSnapshot(prevHash, fields, snapshotText, meta);
      const first = index === 0;
      // A digest is always lowercase hex: packHash's check is only for values read back.
      const stored = Buffer.from(hash, 'hex');
      values.push(
        seq,
        packUuid(event.id),
        packedActionId,
        event.event_type,
        meta,
        storedAt,
        // The events after a write's first link to the event stored just before them (stored-events.ts).
        first ? packed : null,
        stored,
        snapshot.status,
        patch,
      );
      const entry = { seq, prev_hash: prevHash, hash };
      prevHash = hash;
      packed = stored;
      return entry;
    });
    if (events.length <= EVENTS_PER_INSERT) sql(INSERT_EVENTS[events.length] as string).run(values);
    else {
      for (let at = 0; at < events.length; at += EVENTS_PER_INSERT) {
        const count = Math.min(EVENTS_PER_INSERT, events.length - at);
        sql(INSERT_EVENTS[count] as string).run(values.slice(at * EVENT_COLUMNS, (at + count) * EVENT_COLUMNS));
      }
    }
    tip = { seq: firstSeq + events.length - 1, hash: prevHash, packed };
    return appended;
  };

  const createAction = (input: CreateActionInput, json: ActionJson, counted?: CountDelta[]): CompactCreate => {
    const { action: newAction } = input;
    if (newAction.idempotency_key !== null) {
      const existing = sql(SELECT_IDEMPOTENT).get(newAction.submitted_by, newAction.idempotency_key) as
        | ActionRow
        | undefined;
      if (existing) {
        const action = rowToAction(existing);
        const reader = storedEventReader((ids) => (ids.includes(action.id) ? [existing] : []));
        const events = (sql(SELECT_EVENTS).all(action.id) as StoredEventRow[]).map((row) => reader.record(row));
        return { action, events, created: false };
      }
    }
    // A limit is checked here, inside the writer transaction, so its usage can't change before COMMIT.
    const gate = input.limit;
    const window = gate === undefined ? undefined : readWindow(sql, usage(), gate.key, gate.since);
    const resolved = gate === undefined || window === undefined ? null : resolveGate(input, json, gate, window.used);
    const chosen = resolved?.input ?? input;
    const texts = resolved?.json ?? json;
    // Counted before any insert: a grant that can't be used fails the write with nothing written. The
    // gate decided first whether the grant is used at all (not over the limit).
    if (chosen.grant_use !== undefined) useSqliteGrant(sql, chosen.grant_use);
    const action = createdRecord(chosen.action);
    // The JSON columns were canonicalized once by validateCreate; reuse those texts.
    const values = createdRowValues(action, texts);
    values.push(`[${nextSeqs(readTip(), chosen.events.length)}]`);
    const inserted = sql(INSERT_ACTION).run(values);
    lastInserted = Number(inserted.lastInsertRowid);
    const snapshot = ledgerSnapshot(action);
    const appended = appendEvents(
      action.id,
      chosen.events,
      texts.meta,
      action.created_at,
      snapshot,
      snapshotJson(snapshot, texts),
    );
    if (chosen.notifications?.length) insertOutbox(sql, chosen.notifications, action.created_at);
    if (chosen.shadow !== undefined) insertShadowDisagreement(sql, chosen.shadow);
    if (resolved?.row) insertUsage(sql, usage(), resolved.row, window);
    counted?.push({ kind: 'created', row: action });
    const written = { created: true, appended, action, snapshot } as const;
    return resolved === null ? written : Object.assign({}, written, { input: chosen });
  };

  const transitionAction = (
    input: TransitionInput,
    meta: readonly string[],
    counted?: CountDelta[],
  ): TransitionResult => {
    const current = loadAction(input.id);
    if (!current) throw new StoreError('not_found', `action ${input.id} not found`);
    if (current.version !== input.expected_version) {
      throw new StoreError(
        'version_conflict',
        `action ${input.id} is at version ${current.version}, expected ${input.expected_version}`,
      );
    }
    // `current` was parsed from canonical JSON; a patched approval is canonicalized by actionToRow.
    const next = applyPatch(current, input.patch, input.at);
    const row = storedActionRow(actionToRow(next));
    const update = sql(UPDATE_ACTION).run(
      ...UPDATED_COLUMNS.map((c) => row[c]),
      nextSeqs(readTip(), input.events.length),
      input.id,
      input.expected_version,
    );
    // Only reachable if another process wrote between our read and update; BEGIN IMMEDIATE rules it out.
    if (update.changes !== 1) throw new StoreError('version_conflict', `action ${input.id} changed concurrently`);
    if (input.grant !== undefined) changeSqliteGrant(sql, input.grant);
    const snapshot = ledgerSnapshot(next);
    const appended = appendEvents(
      next.id,
      input.events,
      meta,
      input.at,
      snapshot,
      snapshotJson(snapshot, row as MemberTexts),
    );
    if (input.notifications?.length) insertOutbox(sql, input.notifications, input.at);
    if (countsOnTransition(current.status, next.status)) countUsageFrom(sql, usage(), next.id, input.at);
    counted?.push({ kind: 'moved', from: current.status, to: next.status });
    const events: EventRecord[] = input.events.map((event, index) => ({
      seq: appended[index]!.seq,
      id: event.id,
      action_id: next.id,
      event_type: event.event_type,
      meta: event.meta,
      created_at: input.at,
      prev_hash: appended[index]!.prev_hash,
      hash: appended[index]!.hash,
      action: snapshot,
    }));
    return { action: next, events };
  };

  return {
    create(input, json, counted) {
      return keepingTip(() => createAction(input, json, counted));
    },

    transition(input, meta, counted) {
      return keepingTip(() => transitionAction(input, meta, counted));
    },

    migrate() {
      tip = null;
      storedTipSeq = null;
      return migrate(db, location);
    },

    beginBatch() {
      usageSynced = false;
      lastInserted = null;
      tip = null;
      storedTipSeq = null;
    },

    finishBatch() {
      if (tip !== null && tip.seq !== storedTipSeq) sql(UPDATE_TIP).run(tip.seq, tip.hash);
      tip = null;
      storedTipSeq = null;
      if (usageSynced && recent.count >= recent.moveRows) moveRecentUsage(sql, recent);
      if (lastInserted === null) return;
      const { upto } = sql(SEARCH_INDEXED_UPTO).get() as { upto: number };
      if (lastInserted - upto >= SEARCH_INDEX_ROWS) {
        sql(INDEX_SEARCH_TAIL).run(upto);
        sql(SET_SEARCH_INDEXED).run();
      }
      lastInserted = null;
    },

    endBatch(committed) {
      recent.ended(committed);
      usageSynced = false;
    },
  };
}
