import type Database from 'better-sqlite3';
import type { UsageRow } from '../limit-usage.js';

type Sql = (text: string) => Database.Statement;

// Every counted row carries `running`: its bucket's total over the rows counted at or before its
// counted_at (migration 17). A window's usage is the newest running minus the running of the newest
// row counted at or before the window's start: two seeks of limit_usage_running, whatever the
// number of rows in the window.
const RUNNING_AT = `coalesce((SELECT running FROM limit_usage
  WHERE limit_key = ? AND counted_at <= ? ORDER BY counted_at DESC LIMIT 1), 0)`;
const USED = `SELECT coalesce((SELECT running FROM limit_usage
  WHERE limit_key = ? AND counted_at IS NOT NULL ORDER BY counted_at DESC LIMIT 1), 0) - ${RUNNING_AT} AS used`;
// A row that starts counting at `at` takes the bucket's total at `at` plus its amount, and adds its
// amount to the bucket's rows counted at or after `at` (usually none: counting times mostly arrive in
// order; ties at the same millisecond share one total). The total is read before the shift.
const TOTAL_AT = `SELECT ${RUNNING_AT} AS total`;
const SHIFT = 'UPDATE limit_usage SET running = running + ? WHERE limit_key = ? AND counted_at >= ?';
const INSERT = 'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running) VALUES (?, ?, ?, ?, ?)';
const WAITING = 'SELECT limit_key, amount FROM limit_usage WHERE action_id = ? AND counted_at IS NULL';
const COUNT_FROM = 'UPDATE limit_usage SET counted_at = ?, running = ? WHERE action_id = ? AND counted_at IS NULL';

/** The bucket's usage counted strictly after `since`. */
export function usedInWindow(sql: Sql, key: string, since: string): number {
  return (sql(USED).get(key, key, since) as { used: number }).used;
}

/** Makes room for `amount` counted in `key` at `at`; returns the running total of the row counted then. */
function countAt(sql: Sql, key: string, amount: number, at: string): number {
  const { total } = sql(TOTAL_AT).get(key, at) as { total: number };
  sql(SHIFT).run(amount, key, at);
  return total + amount;
}

/** Records a limited action's usage row (in the transaction that inserts the action). */
export function insertUsage(sql: Sql, row: UsageRow): void {
  const { action_id, limit_key, amount, counted_at } = row;
  const running = counted_at === null ? null : countAt(sql, limit_key, amount, counted_at);
  sql(INSERT).run(action_id, limit_key, amount, counted_at, running);
}

/** Starts counting a waiting action's usage from `at` (in the transaction that approves it). */
export function countUsageFrom(sql: Sql, actionId: string, at: string): void {
  const waiting = sql(WAITING).get(actionId) as { limit_key: string; amount: number } | undefined;
  if (waiting === undefined) return;
  sql(COUNT_FROM).run(at, countAt(sql, waiting.limit_key, waiting.amount, at), actionId);
}
