import type Database from 'better-sqlite3';
import type { ActionFilter } from '../store.js';
import type { ActionCounts } from './action-counts.js';
import {
  actionWhere,
  CANDIDATE_ROWS,
  countSearchMatches,
  onlySearch,
  type SqlWhere,
  scannedSearch,
} from './list-query.js';

/**
 * Above this many search matches (as the index finds them) a page walks the newest-first index
 * probing the matches (about LIMIT × rows/matches steps) rather than looking up and sorting every
 * match; measured on 200k rows: a term in 1 of 8 rows 70 vs 250 ms, one in 1,000 rows 27 vs 1 ms.
 */
const MANY_MATCHES = 2000;

/**
 * A list page's WHERE clause and the total it reports, each the cheapest way: the total from the
 * in-memory counts when the filter is one they keep; for a search alone, from the index (when no
 * row needs its text checked) or by checking its candidates, or scanning when that reads less
 * (CANDIDATE_ROWS); else by counting the rows the clause selects.
 */
export function listWhereAndTotal(
  sql: (text: string) => Database.Statement,
  counts: ActionCounts,
  filter: ActionFilter,
): { where: SqlWhere; total: number } {
  const countOf = (condition: SqlWhere) =>
    (sql(`SELECT count(*) AS n FROM actions WHERE ${condition.sql}`).get(...condition.params) as { n: number }).n;
  const search = countSearchMatches(filter.q);
  const found = search === null ? null : (sql(search.sql).get(...search.params) as { n: number }).n;
  const where = actionWhere(filter, found !== null && found > MANY_MATCHES);
  const searchTotal = (): number | null => {
    if (search === null || found === null || !onlySearch(filter)) return null;
    if (search.exact) return found;
    const rows = counts.lookup({}) ?? Number.POSITIVE_INFINITY;
    const q = filter.q ?? '';
    return countOf(found * CANDIDATE_ROWS > rows ? scannedSearch(q) : actionWhere({ q }, false));
  };
  return { where, total: counts.lookup(filter) ?? searchTotal() ?? countOf(where) };
}
