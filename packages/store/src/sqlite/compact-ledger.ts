import type { Database } from 'better-sqlite3';
import type { ActionRecord } from '../store.js';
import { packHash, packUuid } from './compact-ids.js';
import { type FixedRow, snapshotPatch, snapshotText } from './snapshot-patch.js';
import { SELECT_OWNER } from './stored-events.js';

/** The ledger table of schema 18; the migration builds it beside the old one, then swaps them. */
export const COMPACT_EVENTS_TABLE = `
  CREATE TABLE action_events_compact (
    -- Not AUTOINCREMENT: the rowid (max + 1) is already strictly increasing while the high-water row
    -- (ledger_head) keeps deleted seqs from being reused.
    seq INTEGER PRIMARY KEY,
    -- A lowercase UUID as its 16 bytes, any other id as text; a lowercase hex SHA-256 digest as its
    -- 32 bytes (compact-ids.ts). No type affinity, so each value keeps the type it was written with.
    -- No foreign key: action_id no longer has the type of actions.id; verification reports an event
    -- whose action row is missing (orphan_event), as it did when the key was switched off.
    id BLOB NOT NULL,
    action_id BLOB NOT NULL,
    event_type TEXT NOT NULL,
    meta TEXT NOT NULL,
    -- NULL: the action's created_at (the events of its create write).
    created_at TEXT,
    -- NULL after the first event of a write: the hash of the event stored just before it.
    prev_hash BLOB,
    hash BLOB NOT NULL,
    -- The snapshot's status: the SSE status filter reads it, and the snapshot takes it from here.
    status TEXT NOT NULL,
    -- The snapshot is the action row's fixed fields plus this patch of the fields that change
    -- (snapshot-patch.ts; NULL: none differs from its value at creation) ...
    snapshot_patch TEXT,
    -- ... unless this holds the whole snapshot (canonical JSON), used as it is: events written before
    -- schema 18 whose snapshot the row can't give (the row was edited since, or is missing).
    action_snapshot TEXT
  )`;

const PAGE = 1000;

/**
 * Migration 17: rewrites every ledger event into COMPACT_EVENTS_TABLE. A snapshot becomes a patch
 * only when the action row plus that patch rebuilds its canonical JSON byte for byte; otherwise it
 * is kept whole, so an edit made to a row before the upgrade is still reported after it. Hashes,
 * seqs and every field are unchanged: the chain verifies exactly as before.
 */
export function compactLedger(db: Database): void {
  db.exec(COMPACT_EVENTS_TABLE);
  const page = db.prepare(
    `SELECT seq, id, action_id, event_type, meta, created_at, prev_hash, hash, status, action_snapshot, snapshot_seq
     FROM action_events WHERE seq > ? ORDER BY seq LIMIT ${PAGE}`,
  );
  const holder = db.prepare('SELECT action_snapshot FROM action_events WHERE seq = ?').pluck();
  const ownerRow = db.prepare(SELECT_OWNER);
  const insert = db.prepare(
    `INSERT INTO action_events_compact
     (seq, id, action_id, event_type, meta, created_at, prev_hash, hash, status, snapshot_patch, action_snapshot)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let after = 0;
  let lastRow: LegacyEventRow | null = null;
  for (;;) {
    const rows = page.all(after) as LegacyEventRow[];
    if (rows.length === 0) break;
    const owners = new Map<string, FixedRow | null>();
    const owner = (id: string) => {
      if (!owners.has(id)) owners.set(id, (ownerRow.get(id) as FixedRow | undefined) ?? null);
      return owners.get(id) ?? null;
    };
    const snapshots = new Map<number, unknown>();
    for (const row of rows) {
      const previous = lastRow;
      lastRow = row;
      // A shared snapshot whose holder is gone stays unreadable (''), as it read before.
      const snapshot =
        row.action_snapshot ?? snapshots.get(Number(row.snapshot_seq)) ?? holder.get(row.snapshot_seq) ?? '';
      if (row.action_snapshot !== null) snapshots.set(row.seq, row.action_snapshot);
      const action = typeof row.action_id === 'string' ? owner(row.action_id) : null;
      const compact = typeof snapshot === 'string' && action !== null ? asPatch(snapshot, action, row) : undefined;
      const createdAt = compact !== undefined && row.created_at === action?.created_at ? null : row.created_at;
      insert.run(
        row.seq,
        typeof row.id === 'string' ? packUuid(row.id) : row.id,
        typeof row.action_id === 'string' ? packUuid(row.action_id) : row.action_id,
        row.event_type,
        row.meta,
        createdAt,
        linksToPrevious(row, previous)
          ? null
          : typeof row.prev_hash === 'string'
            ? packHash(row.prev_hash)
            : row.prev_hash,
        typeof row.hash === 'string' ? packHash(row.hash) : row.hash,
        row.status,
        compact ?? null,
        compact === undefined ? snapshot : null,
      );
    }
    after = rows[rows.length - 1]!.seq;
  }
  db.exec('DROP TABLE action_events; ALTER TABLE action_events_compact RENAME TO action_events;');
}

interface LegacyEventRow {
  seq: number;
  id: unknown;
  action_id: unknown;
  event_type: unknown;
  meta: unknown;
  created_at: unknown;
  prev_hash: unknown;
  hash: unknown;
  status: unknown;
  action_snapshot: string | null;
  snapshot_seq: unknown;
}

/**
 * Whether `row` is a later event of a write (it shared its snapshot) linking to the event stored
 * just before it: then its prev_hash is not stored (stored-events.ts reads it from that event).
 */
function linksToPrevious(row: LegacyEventRow, previous: LegacyEventRow | null): boolean {
  return row.snapshot_seq !== null && previous !== null && previous.seq < row.seq && previous.hash === row.prev_hash;
}

/**
 * The patch (null: empty) that rebuilds `text` exactly from the action row, or undefined when none
 * does. The event keeps its created_at only where it isn't the action's.
 */
function asPatch(text: string, action: FixedRow, row: LegacyEventRow): string | null | undefined {
  if (typeof row.status !== 'string') return undefined;
  try {
    const snapshot = JSON.parse(text) as ActionRecord;
    if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) return undefined;
    const patch = snapshotPatch(snapshot, row.status);
    return snapshotText(action, row.status, patch) === text ? patch : undefined;
  } catch {
    return undefined;
  }
}
