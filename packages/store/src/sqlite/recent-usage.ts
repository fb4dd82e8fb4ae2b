import type Database from 'better-sqlite3';
import type { CountedRow } from '../counted-rows.js';
import { WindowStarts } from './window-starts.js';

/**
 * Counted usage rows are appended to `limit_usage_recent`, a table without an index (migration
 * 22), and moved into `limit_usage`, whose index orders them by bucket, USAGE_MOVE_ROWS at a time,
 * sorted. Inserted one by one into that index, each row dirtied its bucket's newest index page, so
 * a commit of ~64 submissions over many buckets wrote ~64 more pages to the WAL (and the checkpoint
 * copied them again); moved in a batch, a page takes all its bucket's rows of the batch at once
 * (raw better-sqlite3, 1,000,000 rows: 17.6–20.3 µs of CPU per row over 1,024 buckets and 12.5 over
 * 64, against 11.4–12.7 and 4.7–5.2).
 *
 * The unindexed rows are read from this mirror instead: per bucket, its rows of the table in the
 * order they were counted (ascending counting time, then running total). Every row of a bucket in
 * the table is counted at or after every row of that bucket in `limit_usage` (a row counted at an
 * earlier instant moves the table first, sqlite-limit-usage.ts), so a bucket's newest row is its
 * last row here when it has any, and its total at an instant is here when its first row here was
 * counted by then.
 *
 * The mirror follows the database: changes made inside a write transaction are logged and undone
 * when the transaction (or one write's savepoint) rolls back, and `PRAGMA data_version` tells when
 * another connection committed (another process on the file), which reloads it. Its size is bounded
 * by the table's: at most USAGE_MOVE_ROWS plus one batch of writes.
 */
export const USAGE_MOVE_ROWS = 4096;

/** A row of limit_usage_recent: when it started counting, and its bucket's running total then. */
export type RecentRow = CountedRow;

type Change = { kind: 'appended'; key: string } | { kind: 'moved'; rows: Map<string, RecentRow[]>; count: number };

const LOAD = `SELECT limit_key, counted_at, running FROM limit_usage_recent
  ORDER BY limit_key, counted_at, running`;

export class RecentUsage {
  readonly moveRows: number;
  /** The buckets' totals at their windows' starts (window-starts.ts), kept true by this mirror's changes. */
  readonly starts = new WindowStarts();
  readonly #db: Database.Database;
  #rows = new Map<string, RecentRow[]>();
  #count = 0;
  /** Changes of the open write transaction, oldest first. */
  #changes: Change[] = [];
  /** data_version when the mirror was last loaded or brought up to date; -1: never loaded. */
  #dataVersion = -1;
  #version: Database.Statement | null = null;

  constructor(db: Database.Database, moveRows = USAGE_MOVE_ROWS) {
    this.#db = db;
    this.moveRows = Math.max(1, moveRows);
  }

  /** Rows in the table (all buckets). */
  get count(): number {
    return this.#count;
  }

  /**
   * Brings the mirror up to date with the file: call at the start of every write transaction and
   * before a read outside one. Reloads when another connection committed since it last looked.
   */
  sync(): void {
    this.#version ??= this.#db.prepare('PRAGMA data_version').pluck();
    const version = this.#version.get() as number;
    if (version === this.#dataVersion) return;
    const rows = new Map<string, RecentRow[]>();
    let count = 0;
    for (const row of this.#db.prepare(LOAD).iterate() as IterableIterator<{
      limit_key: string;
      counted_at: string;
      running: number;
    }>) {
      bucketOf(rows, row.limit_key).push({ at: row.counted_at, running: row.running });
      count += 1;
    }
    this.#rows = rows;
    this.#count = count;
    this.#changes = [];
    this.#dataVersion = version;
    // Another connection committed: it may have written usage anywhere.
    this.starts.forgetAll();
  }

  /** The bucket's rows in the table, in counting order; undefined when it has none there. */
  rowsOf(key: string): readonly RecentRow[] | undefined {
    return this.#rows.get(key);
  }

  /** Records a row appended to the table in this transaction (counted at or after its bucket's newest). */
  append(key: string, at: string, running: number): void {
    bucketOf(this.#rows, key).push({ at, running });
    this.#count += 1;
    this.#changes.push({ kind: 'appended', key });
    this.starts.appended(key, at);
  }

  /** Records that this transaction moved every row of the table into limit_usage. */
  moved(): void {
    this.#changes.push({ kind: 'moved', rows: this.#rows, count: this.#count });
    this.#rows = new Map();
    this.#count = 0;
  }

  /** A point to roll back to (a write's savepoint). */
  mark(): number {
    return this.#changes.length;
  }

  /** Undoes the changes made since `mark`, newest first. */
  rollbackTo(mark: number): void {
    // What was read into it may include rows the rollback removes (rare: forget it all).
    this.starts.forgetAll();
    while (this.#changes.length > mark) {
      const change = this.#changes.pop() as Change;
      if (change.kind === 'moved') {
        this.#rows = change.rows;
        this.#count = change.count;
        continue;
      }
      const bucket = this.#rows.get(change.key) as RecentRow[];
      bucket.pop();
      if (bucket.length === 0) this.#rows.delete(change.key);
      this.#count -= 1;
    }
  }

  /** The write transaction ended: its changes stay when it committed and are undone when it didn't. */
  ended(committed: boolean): void {
    if (committed) this.#changes = [];
    else this.rollbackTo(0);
  }
}

function bucketOf(rows: Map<string, RecentRow[]>, key: string): RecentRow[] {
  let bucket = rows.get(key);
  if (bucket === undefined) {
    bucket = [];
    rows.set(key, bucket);
  }
  return bucket;
}
