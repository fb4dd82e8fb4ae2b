/**
 * Which limit usage rows no window can read any more (the same SQL on SQLite and PostgreSQL). A
 * window's usage is its bucket's newest running total minus the total at the window's start, and the
 * total at an instant T is the running total of the bucket's last row counted at or before T
 * (limit-usage.ts). So for every window that starts at or after `before`, only each bucket's last row
 * counted before `before` is ever read of the rows counted before it: the others can go. A row counted
 * later than another of its bucket comes after it; at the same instant, the larger running total does
 * (rows written before schema 21 share one total per instant: both stay, which is only less pruned).
 * Rows waiting for an approval (counted_at null) never match.
 *
 * `u` is the row considered; `before` the placeholder of the cutoff. The EXISTS is one seek of the
 * bucket's (limit_key, counted_at, running) index on both databases.
 */
export function supersededUsage(before: string): string {
  return `u.counted_at < ${before} AND EXISTS (SELECT 1 FROM limit_usage n
    WHERE n.limit_key = u.limit_key AND n.counted_at IS NOT NULL AND n.counted_at < ${before}
      AND (n.counted_at > u.counted_at OR (n.counted_at = u.counted_at AND n.running > u.running)))`;
}
