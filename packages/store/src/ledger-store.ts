import type { LedgerArchiveStore } from './ledger-archive.js';
import type { ActionRecord, EventRecord } from './store.js';

/**
 * The ledger's bookkeeping and the reads verification needs, on every adapter (`store.ledger`).
 * Verification itself lives in the server; this part only reads and records, page by page, so that
 * a million actions are checked with bounded memory.
 */
export interface LedgerStore {
  /** The high-water mark and the actual ends of the ledger: cheap (a few index lookups). */
  state(): Promise<LedgerState>;
  /** Row counts of the ledger and the actions table (a full count: not for hot paths). */
  count(): Promise<{ events: number; actions: number }>;
  /** Action rows in id order with id > `afterId` ('' = from the start), at most `limit`. */
  actionsAfter(afterId: string, limit: number): Promise<AuditedAction[]>;
  /** The seq lists of the actions with these ids that exist, in id order; missing ids are left out. */
  seqLists(ids: readonly string[]): Promise<Array<Pick<AuditedAction, 'id' | 'event_seqs'>>>;
  /** Events with seq > `afterSeq`, ascending, at most `limit`; unreadable ones are returned, not thrown. */
  events(afterSeq: number, limit: number): Promise<AuditedEvent[]>;
  /** The events at these seqs, ascending; missing seqs are left out. */
  eventsAt(seqs: readonly number[]): Promise<AuditedEvent[]>;
  /** seq, owner, type and hash of the events at these seqs, ascending, without reading their content. */
  eventKeys(seqs: readonly number[]): Promise<EventKey[]>;
  /** Records a checkpoint of the head (signed or not: the store doesn't look inside). */
  addCheckpoint(checkpoint: LedgerCheckpoint): Promise<StoredCheckpoint>;
  /** Checkpoints in (seq, id) order after `after` (null = from the start), at most `limit`. */
  checkpoints(after: { seq: number; id: number } | null, limit: number): Promise<StoredCheckpoint[]>;
  /** The checkpoint with the highest seq (the newest of those), or null. */
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  /** Retention (ledger-archive.ts); absent on adapters that keep nothing worth archiving (memory). */
  readonly archive?: LedgerArchiveStore;
}

export interface LedgerState {
  /**
   * The last seq ever assigned and the hash it ended with: the next event gets seq + 1 and links to
   * hash. Kept in its own row, updated in the same transaction as every append, so it never moves
   * backwards when events are deleted. Null only when that row is missing (which is itself damage).
   */
  high_water: { seq: number; hash: string } | null;
  /** The newest event actually in the ledger, or null when it is empty. */
  newest: { seq: number; hash: string } | null;
  /** The lowest seq in the ledger, or null when it is empty. */
  oldest_seq: number | null;
}

/** An action row as stored, with the ledger positions the store lists for it. */
export interface AuditedAction {
  id: string;
  /** Null when a JSON column of the row (params, context, matched_rule) can't be parsed. */
  action: ActionRecord | null;
  /**
   * SQLite: the row's own seq list (what `listEvents` follows); PostgreSQL and memory: the seqs of
   * the events that name this action. Null when the stored list can't be read as a list of integers.
   */
  event_seqs: number[] | null;
}

export interface EventKey {
  seq: number;
  action_id: string;
  event_type: string;
  hash: string;
}

/** A ledger event as stored: its chain fields always, the parsed event when its JSON can be read. */
export interface AuditedEvent extends EventKey {
  prev_hash: string;
  /** Null when the stored meta or snapshot isn't JSON (or the shared snapshot it points to is gone). */
  event: EventRecord | null;
  /**
   * The stored JSON texts of meta and snapshot (canonical JSON as written, so the hash can be
   * recomputed without re-serializing); null where the adapter keeps objects, not text.
   */
  stored: { meta: string; snapshot: string } | null;
}

/** A statement that the ledger's event `seq` had hash `hash` at time `at`, optionally signed. */
export interface LedgerCheckpoint {
  seq: number;
  hash: string;
  at: string;
  key_id: string | null;
  signature: string | null;
}

export interface StoredCheckpoint extends LedgerCheckpoint {
  id: number;
}
