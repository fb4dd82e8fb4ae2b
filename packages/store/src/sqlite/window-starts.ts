import { type CountedRow, runningAtOrBefore } from '../counted-rows.js';

/**
 * Each bucket's total at the start of its window, remembered between submissions. A limited
 * submission needs the bucket's total at `since` (its window's start), and that start is usually
 * older than every row still in limit_usage_recent, so it was one index seek per submission into
 * limit_usage — at the oldest rows of the window, whose pages leave the page cache as history
 * grows (the limit's cost grew from 100% to 138% of the plain submission over a benchmark's
 * rounds).
 *
 * An entry holds a bucket's rows over a range of instants: from `from` (the counting time of the
 * last row at or before the window's start when it was read, or null when none came before) up to,
 * not including, `until` (AHEAD_ROWS rows later, or null when there were no more). The window's
 * start moves forward with the clock, past a row now and then: one read serves many submissions.
 *
 * Rows change the answer only when they are counted inside that range: an append comes at or
 * after the bucket's newest row and so ends the range where it was counted (`appended`); a move
 * into the index changes no row; anything else that writes usage rows (a row counted at an earlier
 * instant, which shifts the totals after it; pruning; another connection's commit; a rollback)
 * forgets the bucket or everything. Bounded: past MAX_BYTES it starts over.
 */

/** Bytes held at most, estimated (keys are agent-chosen values: bounded in bytes, not count). */
export const MAX_BYTES = 4 * 1024 * 1024;
/** Rows read ahead of a window's start: a start that moves past a row every submission reads once per this many. */
export const AHEAD_ROWS = 16;

/** Estimated bytes of an entry: the key's UTF-16 text, the entry, a row object and its time per row. */
const bytesOf = (key: string, rows: readonly CountedRow[]): number => 2 * key.length + 96 + 96 * rows.length;

interface Start {
  /** The bucket's rows from `from` on (the first is the row at `from` when `from` isn't null). */
  rows: readonly CountedRow[];
  from: string | null;
  until: string | null;
  bytes: number;
}

export class WindowStarts {
  #starts = new Map<string, Start>();
  #bytes = 0;

  /** The bucket's total at `since` when remembered, otherwise undefined. */
  totalAt(key: string, since: string): number | undefined {
    const start = this.#starts.get(key);
    if (start === undefined) return undefined;
    if (start.from !== null && since < start.from) return undefined;
    if (start.until !== null && since >= start.until) return undefined;
    return runningAtOrBefore(start.rows, since) ?? 0;
  }

  /**
   * Remembers the bucket's rows read from the database: `rows` are every row counted from `from`
   * (the first row, or null: none before) up to, not including, `until` (null: up to now).
   */
  remember(key: string, rows: readonly CountedRow[], from: string | null, until: string | null): void {
    this.forget(key);
    const bytes = bytesOf(key, rows);
    if (this.#bytes + bytes > MAX_BYTES) this.forgetAll();
    this.#starts.set(key, { rows, from, until, bytes });
    this.#bytes += bytes;
  }

  /** A row counted at `at`, at or after the bucket's newest row: the totals change from then on. */
  appended(key: string, at: string): void {
    const start = this.#starts.get(key);
    if (start !== undefined && (start.until === null || at < start.until)) start.until = at;
  }

  /** The bucket's totals changed other than by an append (a row counted at an earlier instant). */
  forget(key: string): void {
    const start = this.#starts.get(key);
    if (start === undefined) return;
    this.#starts.delete(key);
    this.#bytes -= start.bytes;
  }

  forgetAll(): void {
    this.#starts.clear();
    this.#bytes = 0;
  }

  /** Buckets remembered, and their estimated bytes (for tests). */
  get size(): { buckets: number; bytes: number } {
    return { buckets: this.#starts.size, bytes: this.#bytes };
  }
}
