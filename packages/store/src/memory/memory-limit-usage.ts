import { countsOnTransition, type UsageRow } from '../limit-usage.js';

/** The memory store's limit usage: one row per limited action, summed by scanning (tests only). */
export class MemoryLimitUsage {
  readonly #rows = new Map<string, UsageRow>();

  /** The bucket's usage counted strictly after `since`. */
  used(key: string, since: string): number {
    let used = 0;
    for (const row of this.#rows.values()) {
      if (row.limit_key === key && row.counted_at !== null && row.counted_at > since) used += row.amount;
    }
    return used;
  }

  record(row: UsageRow): void {
    this.#rows.set(row.action_id, { ...row });
  }

  /** Starts counting a waiting action's usage when a transition approves it. */
  transitioned(actionId: string, from: string, to: string, at: string): void {
    const row = this.#rows.get(actionId);
    if (row !== undefined && row.counted_at === null && countsOnTransition(from, to)) row.counted_at = at;
  }
}
