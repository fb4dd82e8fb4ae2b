import type { AuditedEvent } from '../ledger-store.js';
import { type ActionRecord, type EventRecord, StoreError } from '../store.js';
import { hashTextSql, unpackHash, unpackUuid, uuidTextSql } from './compact-ids.js';
import type { EventRow } from './row-mapping.js';
import { FIXED_COLUMNS, type FixedRow, snapshotText } from './snapshot-patch.js';

/**
 * An event's prev_hash: stored, or NULL for every event of a write but its first, whose previous
 * event is the one stored before it (the greatest lower seq). '' when there is none: a link to
 * nothing, which verification reports.
 */
const PREV_HASH = `(CASE WHEN e.prev_hash IS NOT NULL THEN ${hashTextSql('e.prev_hash')}
  ELSE coalesce((SELECT ${hashTextSql('p.hash')} FROM action_events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1), '')
  END)`;

/**
 * The select list of an event row (alias `e`; schema 18, see compact-ledger.ts), ids and hashes
 * turned back into text by SQLite where they are stored as bytes.
 */
export const STORED_EVENT_COLUMNS = `e.seq, ${uuidTextSql('e.id')} AS id, ${uuidTextSql('e.action_id')} AS action_id,
  e.event_type, e.meta, e.created_at, ${PREV_HASH} AS prev_hash, ${hashTextSql('e.hash')} AS hash,
  e.status, e.snapshot_patch, e.action_snapshot`;

/** What an event's snapshot needs of its action row (bound to the action's id). */
export const SELECT_OWNER = `SELECT ${FIXED_COLUMNS.join(', ')} FROM actions WHERE id = ?`;
/** The same for a list of ids, bound as one JSON array text: one statement per page of events. */
export const SELECT_OWNERS = `SELECT ${FIXED_COLUMNS.join(', ')} FROM actions WHERE id IN (SELECT value FROM json_each(?))`;

/** Loads the rows of these action ids that exist (SELECT_OWNERS). */
export type OwnerLoader = (ids: readonly string[]) => FixedRow[];

export interface StoredEventRow {
  seq: number;
  id: unknown;
  action_id: unknown;
  event_type: string;
  meta: string;
  created_at: string | null;
  prev_hash: unknown;
  hash: unknown;
  status: string;
  snapshot_patch: string | null;
  action_snapshot: string | null;
}

export interface StoredEventReader {
  /** Loads the action rows of these events in one statement (otherwise each is loaded when first needed). */
  preload(rows: readonly StoredEventRow[]): void;
  /** The event as the store returns it; throws StoreError `corrupt` when it can't be read. */
  record(row: StoredEventRow): EventRecord;
  /** The event for verification: its chain fields always, its content when readable. */
  audited(row: StoredEventRow): AuditedEvent;
  /** The event as text columns (PostgreSQL's shape); throws StoreError `corrupt` when unreadable. */
  resolved(row: StoredEventRow): EventRow;
  /** About how many bytes the event is as JSON (its meta and snapshot texts). */
  bytes(row: StoredEventRow): number;
}

/**
 * Reads stored events back into ledger events: ids and hashes unpacked, and each snapshot rebuilt
 * from its action row and patch (snapshot-patch.ts), or taken as stored when the row holds a whole
 * one. One reader serves one read: it keeps the action rows it loaded, at most one per event read.
 */
export function storedEventReader(loadRows: OwnerLoader): StoredEventReader {
  const owners = new Map<string, FixedRow | null>();
  const load = (ids: readonly string[]) => {
    for (const id of ids) owners.set(id, null);
    for (const row of loadRows(ids)) owners.set(String(row.id), row);
  };
  const owner = (id: string): FixedRow | null => {
    if (!owners.has(id)) load([id]);
    return owners.get(id) ?? null;
  };

  // The events of one write share their snapshot (same status and patch): its text is built once
  // for them, and parsed for each, so every event has an object of its own, as before.
  const texts = new Map<FixedRow, { status: string; patch: string | null; text: string }>();
  const textOf = (row: FixedRow, status: string, patch: string | null): string => {
    const last = texts.get(row);
    if (last !== undefined && last.status === status && last.patch === patch) return last.text;
    const text = snapshotText(row, status, patch);
    texts.set(row, { status, patch, text });
    return text;
  };

  /** The event and its snapshot's canonical text (verification hashes it); throws when unreadable. */
  const read = (row: StoredEventRow): { event: EventRecord; text: string } => {
    const action_id = unpackUuid(row.action_id);
    const found = owner(action_id);
    // NULL: the action's created_at, from its row (also under a whole snapshot edited in later).
    const createdAt = row.created_at ?? found?.created_at;
    let text = row.action_snapshot;
    if (text === null) {
      if (found === null) throw new StoreError('corrupt', `event ${row.seq}: its action ${action_id} is missing`);
      text = textOf(found, row.status, row.snapshot_patch);
    }
    if (typeof createdAt !== 'string') throw new StoreError('corrupt', `event ${row.seq} has no created_at`);
    const event: EventRecord = {
      seq: Number(row.seq),
      id: unpackUuid(row.id),
      action_id,
      event_type: row.event_type,
      meta: JSON.parse(row.meta),
      created_at: createdAt,
      prev_hash: unpackHash(row.prev_hash),
      hash: unpackHash(row.hash),
      action: JSON.parse(text) as ActionRecord,
    };
    return { event, text };
  };

  /** read, with any failure as StoreError `corrupt`. */
  const readable = (row: StoredEventRow) => {
    try {
      return read(row);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError('corrupt', `event ${row.seq} is not readable: ${String(error)}`, error);
    }
  };

  return {
    preload(rows) {
      const missing = new Set<string>();
      for (const row of rows) {
        const id = unpackUuid(row.action_id);
        if (!owners.has(id)) missing.add(id);
      }
      if (missing.size > 0) load([...missing]);
    },

    record(row) {
      return readable(row).event;
    },

    audited(row) {
      const key = {
        seq: Number(row.seq),
        action_id: unpackUuid(row.action_id),
        event_type: row.event_type,
        hash: unpackHash(row.hash),
        prev_hash: unpackHash(row.prev_hash),
      };
      try {
        const { event, text } = read(row);
        if (!(isObject(event.action) && isObject(event.meta))) return { ...key, event: null, stored: null };
        const stored = typeof row.meta === 'string' ? { meta: row.meta, snapshot: text } : null;
        return { ...key, event, stored };
      } catch {
        return { ...key, event: null, stored: null };
      }
    },

    resolved(row) {
      const { event, text } = readable(row);
      return {
        seq: event.seq,
        id: event.id,
        action_id: event.action_id,
        event_type: event.event_type,
        meta: row.meta,
        created_at: event.created_at,
        prev_hash: event.prev_hash,
        hash: event.hash,
        status: row.status,
        action_snapshot: text,
      };
    },

    bytes(row) {
      const size = row.meta.length + (row.snapshot_patch?.length ?? 0) + (row.action_snapshot?.length ?? 0);
      if (row.action_snapshot !== null) return size;
      const found = owner(unpackUuid(row.action_id));
      return size + String(found?.params ?? '').length + String(found?.context ?? '').length;
    },
  };
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
