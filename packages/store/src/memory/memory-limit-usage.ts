import { firstCountedAfter as after, type CountedRow as Counted } from '../counted-rows.js';
import { countsOnTransition, type UsageRow } from '../limit-usage.js';

/**
 * The memory store's limit usage, kept like the SQL stores' (migration 20): each bucket's counted
 * rows in counting order with running totals, so a window's usage is the newest total minus the
 * total at the window's start (two binary searches), whatever the number of rows in the window.
 */
export class MemoryLimitUsage {
  /** Rows waiting for approval (not counted yet), by action id. */
  readonly #waiting = new Map<string, UsageRow>();
  readonly #buckets = new Map<string, Counted[]>();

  /** The bucket's usage counted strictly after `since`. */
  used(key: string, since: string): number {
    const rows = this.#buckets.get(key);
    if (rows === undefined || rows.length === 0) return 0;
    return (rows.at(-1)?.running ?? 0) - totalAt(rows, since);
  }

  record(row: UsageRow): void {
    if (row.counted_at === null) this.#waiting.set(row.action_id, { ...row });
    else this.#count(row.limit_key, row.amount, row.counted_at);
  }

  /** Starts counting a waiting action's usage when a transition approves it. */
  transitioned(actionId: string, from: string, to: string, at: string): void {
    const row = this.#waiting.get(actionId);
    if (row === undefined || !countsOnTransition(from, to)) return;
    this.#waiting.delete(actionId);
    this.#count(row.limit_key, row.amount, at);
  }

  /** Adds `amount` counted at `at`: after the rows counted at or before it; later rows' totals grow. */
  #count(key: string, amount: number, at: string): void {
    let rows = this.#buckets.get(key);
    if (rows === undefined) {
      rows = [];
      this.#buckets.set(key, rows);
    }
    const index = after(rows, at);
    const running = totalAt(rows, at) + amount;
    for (let i = index; i < rows.length; i++) (rows[i] as Counted).running += amount;
    // Rows counted at the same instant share one total: theirs grows too.
    for (let i = index - 1; i >= 0 && rows[i]?.at === at; i--) (rows[i] as Counted).running += amount;
    rows.splice(index, 0, { at, running });
  }
}

/** The bucket's total over the rows counted at or before `at`. */
function totalAt(rows: readonly Counted[], at: string): number {
  const index = after(rows, at);
  return index === 0 ? 0 : (rows[index - 1] as Counted).running;
}
