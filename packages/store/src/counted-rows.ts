/** A bucket's counted usage in counting order, as the in-memory readers hold it. */
export interface CountedRow {
  /** When it started counting (ISO 8601, ordered as text). */
  at: string;
  /** The bucket's running total up to and including this row. */
  running: number;
}

/** The index of the first of `rows` (ascending by `at`) counted strictly after `at`. */
export function firstCountedAfter(rows: readonly CountedRow[], at: string): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((rows[middle] as CountedRow).at <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The running total of the last of `rows` (ascending by `at`, then running total) counted at or
 * before `at` — the bucket's total then —, or undefined when the first was counted after it.
 */
export function runningAtOrBefore(rows: readonly CountedRow[], at: string): number | undefined {
  const after = firstCountedAfter(rows, at);
  return after === 0 ? undefined : (rows[after - 1] as CountedRow).running;
}
