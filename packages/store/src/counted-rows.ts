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
