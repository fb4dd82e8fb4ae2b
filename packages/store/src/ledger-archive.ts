import type { EventKey } from './ledger-store.js';

/**
 * Retention of the ledger (`store.ledger.archive`): the oldest stretch of the hash chain is written
 * out as segment files by the server's archiver, then removed here in one transaction together with
 * the action rows it finished, and an archive record is kept in their place. The record is what the
 * remaining ledger chains to: the first event after `last_seq` links to `last_hash`.
 *
 * Which rows go: an action row (with all its events) only when its status is terminal and every one
 * of its events is at or below `last_seq`. Every other action keeps its whole history, including
 * its events at or below `last_seq` ("retained" events), so a pending or approved action is still
 * verified against its snapshots; those retained events are pinned by `retained_digest`.
 */
export interface LedgerArchiveStore {
  /** The newest committed archive (the highest `last_seq`), or null when nothing was archived. */
  latest(): Promise<StoredArchive | null>;
  /** Archives in id (= commit = seq) order with id > `afterId`, at most `limit`. */
  list(afterId: number, limit: number): Promise<StoredArchive[]>;
  /**
   * The last seq of the longest run of events after `afterSeq` that were all created before `before`
   * (ISO 8601): the newest event's seq when all of them were, `afterSeq` when the first wasn't.
   */
  cutoff(afterSeq: number, before: string): Promise<number>;
  /**
   * The events with `afterSeq` < seq <= `lastSeq` that stay in the database when the ledger is
   * archived up to `lastSeq` (their action isn't removed), ascending, at most `limit`.
   */
  kept(lastSeq: number, terminal: readonly string[], afterSeq: number, limit: number): Promise<EventKey[]>;
  /** What archiving up to `lastSeq` would remove (counts only; nothing is written). */
  plan(lastSeq: number, terminal: readonly string[]): Promise<{ removed_events: number; removed_actions: number }>;
  /**
   * In ONE transaction: checks that `record` continues the newest archive, removes the events of
   * removable actions at or below `record.last_seq` and those actions, checks the counts against the
   * record (StoreError `version_conflict` and nothing removed when the ledger changed since it was
   * planned), and inserts the record. A crash at any point leaves either everything or nothing.
   */
  commit(input: ArchiveCommitInput): Promise<StoredArchive>;
  /**
   * Removes limit usage rows that no window can read any more: rows counted before `before` except
   * each bucket's newest one counted before it, which carries the total a window starting at or
   * after `before` starts from (limit-usage.ts). Rows waiting for an approval are kept. The table is
   * worked through a stretch at a time, each in its own short write transaction so submissions go
   * on between them: start with `from` null and call again with `next` until it is null.
   * `stretch` bounds the rows a call looks at (about that many, in storage order).
   */
  pruneUsage(before: string, from: number | null, stretch: number): Promise<UsagePruneStep>;
}

/** What one call of `pruneUsage` removed, and where the next starts (null: the table is done). */
export interface UsagePruneStep {
  removed: number;
  next: number | null;
}

/** One segment file of an archive, as its archive record lists it. */
export interface ArchiveSegmentInfo {
  /** File name (no directory): segments may be moved to cold storage. */
  file: string;
  first_seq: number;
  last_seq: number;
  count: number;
  bytes: number;
  /** sha256 hex of the whole file. */
  sha256: string;
}

/** The checkpoint an archive leaves in the database; signed like ledger checkpoints. */
export interface ArchiveRecord {
  /** The archived stretch of the chain: first_seq - 1 is the previous archive's last_seq (0 first). */
  first_seq: number;
  last_seq: number;
  /** Hash of the event before first_seq (the previous archive's last_hash, or the genesis hash). */
  prev_hash: string;
  last_hash: string;
  /** Events written to the segments (last_seq - first_seq + 1). */
  event_count: number;
  /** created_at range of those events. */
  first_at: string;
  last_at: string;
  removed_events: number;
  removed_actions: number;
  /** Events at or below last_seq still in the database afterwards, and sha256 of their "seq hash\n" lines. */
  retained_events: number;
  retained_digest: string;
  /** The cutoff asked for (events created before it were eligible). */
  before: string;
  archived_at: string;
  segments: ArchiveSegmentInfo[];
  key_id: string | null;
  signature: string | null;
}

export interface StoredArchive extends ArchiveRecord {
  id: number;
}

/** Named points inside the commit transaction (a test hook can crash the process at one). */
export type ArchiveCommitStep = 'events_deleted' | 'actions_deleted';

export interface ArchiveCommitInput {
  record: ArchiveRecord;
  /** The terminal statuses (the server's lifecycle table): only actions in one of them are removed. */
  terminal: readonly string[];
  onStep?: (step: ArchiveCommitStep) => void;
}
