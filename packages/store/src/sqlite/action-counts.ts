import type Database from 'better-sqlite3';
import type { ActionFilter } from '../store.js';

/** The filter columns whose single-equality counts are kept. */
const COUNTED = ['status', 'tool', 'agent_id', 'risk_level', 'submitted_by'] as const;
type Counted = (typeof COUNTED)[number];
/** '' is the unfiltered total. */
type Dimension = Counted | '';

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
    return this.#dimension(name as Counted).get(value as string) ?? 0;
  }

  /** Counts by status (for countByStatus). */
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

  #add(dimension: Dimension, value: string, n: number): void {
    const counts = this.#dims.get(dimension);
    if (counts !== undefined) counts.set(value, (counts.get(value) ?? 0) + n);
  }

  #dimension(dimension: Dimension): Map<string, number> {
    const version = Number(this.#db.pragma('data_version', { simple: true }));
    if (version !== this.#dataVersion) {
      this.#dims.clear();
      this.#dataVersion = version;
    }
    let counts = this.#dims.get(dimension);
    if (counts === undefined) {
      const sql =
        dimension === ''
          ? "SELECT '' AS value, count(*) AS n FROM actions"
          : `SELECT ${dimension} AS value, count(*) AS n FROM actions WHERE ${dimension} IS NOT NULL GROUP BY ${dimension}`;
      const rows = this.#db.prepare(sql).all() as { value: string; n: number }[];
      counts = new Map(rows.map((row) => [row.value, row.n]));
      this.#dims.set(dimension, counts);
    }
    return counts;
  }
}
