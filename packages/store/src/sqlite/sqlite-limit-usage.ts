import type Database from 'better-sqlite3';
import type { UsageRow } from '../limit-usage.js';

type Sql = (text: string) => Database.Statement;

// One range of the covering partial index limit_usage_window (`counted_at > ?` implies NOT NULL).
const USED = 'SELECT coalesce(sum(amount), 0) AS used FROM limit_usage WHERE limit_key = ? AND counted_at > ?';
const INSERT = 'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at) VALUES (?, ?, ?, ?)';
const COUNT_FROM = 'UPDATE limit_usage SET counted_at = ? WHERE action_id = ? AND counted_at IS NULL';

/** The bucket's usage counted strictly after `since`. */
export function usedInWindow(sql: Sql, key: string, since: string): number {
  return (sql(USED).get(key, since) as { used: number }).used;
}

/** Records a limited action's usage row (in the transaction that inserts the action). */
export function insertUsage(sql: Sql, row: UsageRow): void {
  sql(INSERT).run(row.action_id, row.limit_key, row.amount, row.counted_at);
}

/** Starts counting a waiting action's usage from `at` (in the transaction that approves it). */
export function countUsageFrom(sql: Sql, actionId: string, at: string): void {
  sql(COUNT_FROM).run(at, actionId);
}
