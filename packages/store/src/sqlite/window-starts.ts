import { type CountedRow, firstCountedAfter } from '../counted-rows.js';

/**
 * Where limit windows start, remembered per bucket. A window's usage is the bucket's newest total
 * minus its total at the window's start (sqlite-limit-usage.ts); the newest comes from the mirror of
 * rows waiting to move (recent-usage.ts), and the start was a seek of limit_usage per submission.
 * A window start only moves forward with time, a row or a few per call of a busy bucket, so one
 * read takes a slice of the bucket's indexed rows from the start on: its total at or before the
 * start, then the next WINDOW_START_ROWS rows. Later windows starting inside the slice are
 * answered from it (a binary search), until their start passes its end.
 *
 * A slice stays true while the rows it covers don't change. Rows enter limit_usage only when the
 * waiting rows move (each counted at or after every indexed row of its bucket: after a full slice's
 * last row, or at its instant, which only a start at or past that instant would need) or counted at
 * an earlier instant (the bucket's slice is forgotten). A slice that reached the bucket's last
 * indexed row is forgotten when rows move in; everything is forgotten when a write transaction rolls
 * back (a slice may hold rows it wrote) and when another connection commits.
 */
export const WINDOW_START_ROWS = 32;

/** Bytes of slices held, at most (two generations of half each, like the limit key cache). */
export const WINDOW_STARTS_BYTES = 4 * 1024 * 1024;

// Per row: two numbers, the object, and the ~24-character ISO string.
const ROW_BYTES = 96;

interface Slice {
  /** The total at or before the first start read (at '' when no row was), then the rows after it. */
  rows: CountedRow[];
  /** The slice ends at the bucket's last indexed row (fewer than WINDOW_START_ROWS followed). */
  toEnd: boolean;
}

/** Nothing counted at or before a start: the bucket's total there is 0. */
const NOTHING_BEFORE: CountedRow = { at: '', running: 0 };

export class WindowStarts {
  #young = new Map<string, Slice>();
  #old = new Map<string, Slice>();
  #youngBytes = 0;

  /** The bucket's indexed total at or before `since`, or undefined when no slice covers it. */
  totalAt(key: string, since: string): number | undefined {
    const slice = this.#young.get(key) ?? this.#carried(key);
    if (slice === undefined) return undefined;
    const { rows } = slice;
    const first = rows[0] as CountedRow;
    const last = rows[rows.length - 1] as CountedRow;
    // Rows after the slice (or moved in after it, at its last instant) count only from `last.at` on.
    if (since < first.at || (since >= last.at && !slice.toEnd)) return undefined;
    return (rows[firstCountedAfter(rows, since) - 1] as CountedRow).running;
  }

  /**
   * Remembers what one read found: `start` the newest row at or before its start (undefined: none),
   * `after` the rows following it, at most WINDOW_START_ROWS.
   */
  remember(key: string, start: CountedRow | undefined, after: CountedRow[]): void {
    this.#put(key, { rows: [start ?? NOTHING_BEFORE, ...after], toEnd: after.length < WINDOW_START_ROWS });
  }

  /** Rows of `key` were counted at an earlier instant than its newest: its totals shifted. */
  forget(key: string): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  /** Rows moved into the index: slices that reached their bucket's last row no longer do. */
  rowsMoved(): void {
    for (const generation of [this.#young, this.#old]) {
      for (const [key, slice] of generation) if (slice.toEnd) generation.delete(key);
    }
  }

  /** A write transaction rolled back, or another connection committed: nothing held is sure. */
  clear(): void {
    this.#young = new Map();
    this.#old = new Map();
    this.#youngBytes = 0;
  }

  #carried(key: string): Slice | undefined {
    const slice = this.#old.get(key);
    if (slice !== undefined) {
      this.#old.delete(key);
      this.#put(key, slice);
    }
    return slice;
  }

  #put(key: string, slice: Slice): void {
    const bytes = slice.rows.length * ROW_BYTES + key.length * 2 + 64;
    if (this.#youngBytes + bytes > WINDOW_STARTS_BYTES / 2) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#youngBytes = 0;
    }
    this.#young.set(key, slice);
    this.#youngBytes += bytes;
  }
}
