import type Database from 'better-sqlite3';
import type { ActionFilter } from '../store.js';

/** The filter columns whose single-equality counts are kept. */
const COUNTED = ['status', 'tool', 'agent_id', 'risk_level', 'submitted_by'] as const;
type Counted = (typeof COUNTED)[number];
/** '' is the unfiltered total. */
type Dimension = Counted | '';

/**
 * Bound of one column's counts: tool, agent_id and submitted_by are agent input, and a map with one
 * entry per distinct value would grow with every new name. Past this many characters of values (plus
 * a fixed cost per entry) the column is no longer counted in memory and its totals come from SQL.
 */
export const MAX_COUNTED_CHARS = 1024 * 1024;
const ENTRY_COST = 64;

/** Marks a column whose distinct values outgrew MAX_COUNTED_CHARS. */
const UNCOUNTED: ReadonlyMap<string, number> = new Map();

/** A counted change made by one write; applied only once the batch holding it has committed. */
export type CountDelta =
  | { kind: 'created'; row: Record<Counted, string | null> }
  | { kind: 'moved'; from: string; to: string };

/**
 * Exact action counts for the list's `total` when the filter is empty or one equality on a counted
 * column. `count(*)` over a million rows costs 50-250 ms (an index or table scan), far over a page's
 * budget; these counts cost one GROUP BY per column when first needed and a few Map updates per write.
 *
 * Only valid while this connection is the only writer: `PRAGMA data_version` changes when another
 * connection commits (a second process), and then the counts are read again.
 */
export class ActionCounts {
  readonly #db: Database.Database;
  readonly #dims = new Map<Dimension, Map<string, number>>();
  /** Characters held per dimension (value lengths plus ENTRY_COST each). */
  readonly #chars = new Map<Dimension, number>();
  #dataVersion = -1;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The count for `filter`, or null when it isn't one this class keeps. */
  lookup(filter: ActionFilter): number | null {
    // An empty q is no condition (actionWhere skips it too); every other present field is one.
    const entries = Object.entries(filter).filter(
      ([name, value]) => value !== undefined && !(name === 'q' && value === ''),
    );
    if (entries.length > 1) return null;
    const [entry] = entries;
    if (entry === undefined) return this.#dimension('').get('') ?? 0;
    const [name, value] = entry;
    if (!(COUNTED as readonly string[]).includes(name)) return null;
    const counts = this.#dimension(name as Counted);
    return counts === UNCOUNTED ? null : (counts.get(value as string) ?? 0);
  }

  /** Characters of values held in memory, over all columns still counted. */
  get heldChars(): number {
    let chars = 0;
    for (const [dimension, counts] of this.#dims) if (counts !== UNCOUNTED) chars += this.#chars.get(dimension) ?? 0;
    return chars;
  }

  /** Counts by status (for countByStatus); statuses are few, so this column is always counted. */
  byStatus(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [status, n] of this.#dimension('status')) if (n > 0) out[status] = n;
    return out;
  }

  /** Applies the deltas of committed writes (called synchronously right after COMMIT). */
  apply(deltas: readonly CountDelta[]): void {
    for (const delta of deltas) {
      if (delta.kind === 'created') {
        this.#add('', '', 1);
        for (const column of COUNTED) {
          const value = delta.row[column];
          if (value !== null) this.#add(column, value, 1);
        }
      } else if (delta.from !== delta.to) {
        this.#add('status', delta.from, -1);
        this.#add('status', delta.to, 1);
      }
    }
  }

  /** Forgets every count (after a write that removed rows, e.g. an archive): they are read again when needed. */
  reset(): void {
    this.#dims.clear();
    this.#chars.clear();
  }

  #add(dimension: Dimension, value: string, n: number): void {
    const counts = this.#dims.get(dimension);
    if (counts === undefined || counts === UNCOUNTED) return;
    const before = counts.get(value);
    if (before === undefined) {
      const chars = (this.#chars.get(dimension) ?? 0) + value.length + ENTRY_COST;
      if (chars > MAX_COUNTED_CHARS) {
        this.#dims.set(dimension, UNCOUNTED as Map<string, number>);
        return;
      }
      this.#chars.set(dimension, chars);
    }
    counts.set(value, (before ?? 0) + n);
  }

  #dimension(dimension: Dimension): Map<string, number> {
    const version = Number(this.#db.pragma('data_version', { simple: true }));
    if (version !== this.#dataVersion) {
      this.#dims.clear();
      this.#chars.clear();
      this.#dataVersion = version;
    }
    let counts = this.#dims.get(dimension);
    if (counts === undefined) {
      const sql =
        dimension === ''
          ? "SELECT '' AS value, count(*) AS n FROM actions"
          : `SELECT ${dimension} AS value, count(*) AS n FROM actions WHERE ${dimension} IS NOT NULL GROUP BY ${dimension}`;
      // Row by row, so a column with too many distinct values is given up without loading them all.
      counts = new Map();
      let chars = 0;
      for (const row of this.#db.prepare(sql).iterate() as IterableIterator<{ value: string; n: number }>) {
        chars += row.value.length + ENTRY_COST;
        if (chars > MAX_COUNTED_CHARS) {
          counts = UNCOUNTED as Map<string, number>;
          break;
        }
        counts.set(row.value, row.n);
      }
      this.#dims.set(dimension, counts);
      this.#chars.set(dimension, chars);
    }
    return counts;
  }
}
