import type Database from 'better-sqlite3';
import { type CountedRow, runningAtOrBefore } from '../counted-rows.js';
import type { UsageRow } from '../limit-usage.js';
import type { RecentUsage } from './recent-usage.js';
import { AHEAD_ROWS } from './window-starts.js';

type Sql = (text: string) => Database.Statement;

// Every counted row carries `running`: its bucket's total over the rows counted before it, in the
// order (counted_at, then the order rows were counted at the same instant), plus its own amount
// (migrations 17 and 21). The bucket's total at an instant T is then the largest running among the
// rows counted at or before T: the last row counted at T carries it (rows written before schema 21
// share one total per instant, which the same read gives). A window's usage is the newest total
// minus the total at the window's start: two backward seeks of limit_usage_running, whose
// (limit_key, counted_at, running) order is exactly `counted_at DESC, running DESC`. Every read
// takes its row in that one order: a read that broke ties otherwise would miss part of an instant.
// The newest rows of a bucket may still be in limit_usage_recent, read from its mirror (recent-usage.ts).
const LARGEST_FIRST = 'ORDER BY counted_at DESC, running DESC LIMIT 1';
const RUNNING_AT = `coalesce((SELECT running FROM limit_usage
  WHERE limit_key = ? AND counted_at <= ? ${LARGEST_FIRST}), 0)`;
// A row that starts counting at `at` takes the bucket's total at `at` plus its amount, and adds its
// amount to the bucket's rows counted after `at` (usually none: counting times mostly arrive in
// order). Rows counted at the same instant before it keep theirs: it comes after them. The total is
// read before the shift.
const TOTAL_AT = `SELECT ${RUNNING_AT} AS total`;
const SHIFT = 'UPDATE limit_usage SET running = running + ? WHERE limit_key = ? AND counted_at > ?';
const INSERT = 'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running) VALUES (?, ?, ?, ?, ?)';
// Rows counted at or after their bucket's newest row go to the unindexed table (recent-usage.ts)
// and, USAGE_MOVE_ROWS at a time, into limit_usage sorted by bucket: each index page once per move.
const APPEND =
  'INSERT INTO limit_usage_recent (action_id, limit_key, amount, counted_at, running) VALUES (?, ?, ?, ?, ?)';
const MOVE = `INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running)
  SELECT action_id, limit_key, amount, counted_at, running FROM limit_usage_recent
  ORDER BY limit_key, counted_at, running`;
const EMPTY_RECENT = 'DELETE FROM limit_usage_recent';
const WAITING = 'SELECT limit_key, amount FROM limit_usage WHERE action_id = ? AND counted_at IS NULL';
const COUNT_FROM = 'UPDATE limit_usage SET counted_at = ?, running = ? WHERE action_id = ? AND counted_at IS NULL';

// A window's start as window-starts.ts remembers it: the bucket's last row counted at or before it,
// and the rows after it (AHEAD_ROWS at most), in the one order above. And the bucket's newest row.
const BASE = `SELECT counted_at AS at, running FROM limit_usage
  WHERE limit_key = ? AND counted_at <= ? ${LARGEST_FIRST}`;
const AHEAD = `SELECT counted_at AS at, running FROM limit_usage
  WHERE limit_key = ? AND counted_at > ? ORDER BY counted_at, running LIMIT ${AHEAD_ROWS}`;
const NEWEST = `SELECT counted_at AS at, running FROM limit_usage
  WHERE limit_key = ? AND counted_at IS NOT NULL ${LARGEST_FIRST}`;

/** The bucket's usage counted strictly after `since` (a read outside the write transaction). */
export function usedInWindow(sql: Sql, recent: RecentUsage, key: string, since: string): number {
  recent.sync();
  return readWindow(sql, recent, key, since).used;
}

/** A bucket as a write transaction read it: the window's usage and the newest counted row. */
export interface BucketWindow {
  key: string;
  used: number;
  /** counted_at of the bucket's newest counted row; null when nothing counts in it yet. */
  newest_at: string | null;
  /** That row's running total (0 without one). */
  newest_running: number;
}

/**
 * The bucket's usage after `since` and its newest counted row (the write path's read): from the
 * mirror of limit_usage_recent and the remembered window starts when they hold it, with a seek of
 * limit_usage otherwise. Valid for `insertUsage` only within the same transaction and before any
 * other usage write.
 */
export function readWindow(sql: Sql, recent: RecentUsage, key: string, since: string): BucketWindow {
  const rows = recent.rowsOf(key);
  if (rows !== undefined) {
    const newest = rows[rows.length - 1] as CountedRow;
    // The total at the window's start: from the mirror when the bucket's rows there reach back to
    // it, otherwise from limit_usage, whose rows of the bucket all come before the mirror's.
    const start =
      runningAtOrBefore(rows, since) ??
      recent.starts.totalAt(key, since) ??
      indexedStart(sql, recent, key, since, (rows[0] as CountedRow).at).total;
    return { key, used: newest.running - start, newest_at: newest.at, newest_running: newest.running };
  }
  // A remembered start (the usual case) allocates nothing here; otherwise limit_usage is read.
  const remembered = recent.starts.totalAt(key, since);
  const start = remembered === undefined ? indexedStart(sql, recent, key, since, null) : null;
  // The newest row: the last one read after the start when they were all read, otherwise a seek.
  const newest =
    start !== null && start.newest !== undefined
      ? start.newest
      : ((sql(NEWEST).get(key) as CountedRow | undefined) ?? null);
  if (newest === null) return { key, used: 0, newest_at: null, newest_running: 0 };
  const total = start?.total ?? remembered ?? 0;
  return { key, used: newest.running - total, newest_at: newest.at, newest_running: newest.running };
}

/** The bucket's total at a window's start in limit_usage, and its newest row there when that was read too. */
interface IndexedStart {
  total: number;
  /** undefined: not read (more rows follow the ones read); null: the bucket has no counted row. */
  newest: CountedRow | null | undefined;
}

/**
 * Reads the bucket's total at `since` from limit_usage, with the rows after it (AHEAD_ROWS at
 * most), and remembers them for the next windows (window-starts.ts). `next` is when the bucket's
 * first row in limit_usage_recent was counted (null: it has none there): the rows read end there.
 */
function indexedStart(sql: Sql, recent: RecentUsage, key: string, since: string, next: string | null): IndexedStart {
  const base = sql(BASE).get(key, since) as CountedRow | undefined;
  const ahead = sql(AHEAD).all(key, since) as CountedRow[];
  const full = ahead.length === AHEAD_ROWS;
  // With AHEAD_ROWS read, more may follow at the last one's instant: the range ends before it.
  const until = full ? (ahead[ahead.length - 1] as CountedRow).at : next;
  recent.starts.remember(key, base === undefined ? ahead : [base, ...ahead], base?.at ?? null, until);
  return { total: base?.running ?? 0, newest: full ? undefined : (ahead[ahead.length - 1] ?? base ?? null) };
}

/** Makes room for `amount` counted in `key` at `at`; returns the running total of the row counted then. */
function countAt(sql: Sql, key: string, amount: number, at: string): number {
  const { total } = sql(TOTAL_AT).get(key, at) as { total: number };
  sql(SHIFT).run(amount, key, at);
  return total + amount;
}

/**
 * Records a limited action's usage row (in the transaction that inserts the action). `read` is the
 * bucket as `readWindow` found it in this transaction: when the row counts at or after the bucket's
 * newest row (the usual case: counting times arrive in order, many in the same millisecond), its
 * running total is that row's plus its amount and no other row changes; otherwise (an earlier
 * time) the totals are worked out and shifted in SQL.
 */
export function insertUsage(sql: Sql, recent: RecentUsage, row: UsageRow, read?: BucketWindow): void {
  const { action_id, limit_key, amount, counted_at } = row;
  if (counted_at === null) {
    sql(INSERT).run(action_id, limit_key, amount, null, null);
    return;
  }
  const last = read !== undefined && read.key === limit_key ? read : undefined;
  if (last !== undefined && (last.newest_at === null || last.newest_at <= counted_at)) {
    const running = last.newest_running + amount;
    sql(APPEND).run(action_id, limit_key, amount, counted_at, running);
    recent.append(limit_key, counted_at, running);
    return;
  }
  // Counted before the bucket's newest row: the totals after it shift, in limit_usage.
  sql(INSERT).run(action_id, limit_key, amount, counted_at, countIndexed(sql, recent, limit_key, amount, counted_at));
}

/** Starts counting a waiting action's usage from `at` (in the transaction that approves it). */
export function countUsageFrom(sql: Sql, recent: RecentUsage, actionId: string, at: string): void {
  const waiting = sql(WAITING).get(actionId) as { limit_key: string; amount: number } | undefined;
  if (waiting === undefined) return;
  // Approvals are rare next to submissions: the row counts in limit_usage, where it waited.
  sql(COUNT_FROM).run(at, countIndexed(sql, recent, waiting.limit_key, waiting.amount, at), actionId);
}

/**
 * countAt for a row counted in limit_usage rather than appended: the bucket's rows still waiting in
 * limit_usage_recent must stay after every indexed row of the bucket, so they move first.
 */
function countIndexed(sql: Sql, recent: RecentUsage, key: string, amount: number, at: string): number {
  if (recent.rowsOf(key) !== undefined) moveRecentUsage(sql, recent);
  // The bucket's totals from `at` on change: what was read of them is stale.
  recent.starts.forget(key);
  return countAt(sql, key, amount, at);
}

/** Moves every row of limit_usage_recent into limit_usage, sorted by bucket (in the write transaction). */
export function moveRecentUsage(sql: Sql, recent: RecentUsage): void {
  if (recent.count === 0) return;
  sql(MOVE).run();
  sql(EMPTY_RECENT).run();
  recent.moved();
}
