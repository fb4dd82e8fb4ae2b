import { INDEXED_MIN_CHARS, idPrefix, indexable, searchForms } from '../search-text.js';
import type { ActionFilter, EventStreamFilter } from '../store.js';
import { uuidTextSql } from './compact-ids.js';
import { SEQS_OF_ACTION } from './row-mapping.js';
import { SEARCH_INDEXED_UPTO, SEARCH_TABLE, SEARCH_TEXT } from './search-batch.js';

export interface SqlWhere {
  sql: string;
  params: unknown[];
}

/** Escapes LIKE wildcards so that `q` is always a literal substring (the ESCAPE char is '\'). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The WHERE clause of listActions; `total` uses it without the keyset condition. `manyMatches`:
 * the search matches many rows, so walk the newest-first index and probe the matches instead of
 * looking every match up and sorting them all.
 */
export function actionWhere(filter: ActionFilter, manyMatches = false): SqlWhere {
  const terms: string[] = [];
  const params: unknown[] = [];
  const equals = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    terms.push(`${column} = ?`);
    params.push(value);
  };
  equals('status', filter.status);
  equals('tool', filter.tool);
  equals('agent_id', filter.agent_id);
  equals('risk_level', filter.risk_level);
  equals('submitted_by', filter.submitted_by);
  if (filter.since !== undefined) {
    terms.push('created_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    terms.push('created_at < ?');
    params.push(filter.until);
  }
  const search = searchWhere(filter.q, manyMatches);
  if (search !== null) {
    terms.push(search.sql);
    params.push(...search.params);
  }
  return { sql: terms.length > 0 ? terms.join(' AND ') : '1', params };
}

/** The rows of `indexedRows`, and the check of the row's text its index part still needs (null: none). */
interface IndexedRows extends SqlWhere {
  recheck: SqlWhere | null;
}

/**
 * The rowids of the actions `q` matches through the FTS5 index, in the tail of actions not indexed
 * yet (a scan of at most SEARCH_INDEX_ROWS rows, search-batch.ts) and as an id prefix (a
 * primary-key range), or null when `q` can't use the index.
 *
 * The index keeps no positions (migration 20, `detail = none`): it finds the rows holding every
 * trigram of a form, also apart. Unless each form is a single trigram, the index's rows are
 * candidates, and `recheck` (the tail's LIKE, or the id prefix) keeps the ones that really match.
 */
function indexedRows(q: string): IndexedRows | null {
  const forms = searchForms(q);
  if (forms.length === 0 || !indexable(forms)) return null;
  const scan = scanTerms(forms);
  const sql = `SELECT rowid FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH ?
    UNION ALL SELECT rowid FROM actions WHERE rowid > (${SEARCH_INDEXED_UPTO}) AND ${scan.sql}`;
  const params = [ftsQuery(forms), ...scan.params];
  const range = idRange(q);
  const exact = forms.every((form) => [...form].length === INDEXED_MIN_CHARS);
  const recheck = exact ? null : scannedSearch(q);
  return range === null
    ? { sql, params, recheck }
    : {
        sql: `${sql} UNION SELECT rowid FROM actions WHERE ${range.sql}`,
        params: [...params, ...range.params],
        recheck,
      };
}

/** `q`'s forms looked for in SEARCH_TEXT with LIKE (which folds ASCII case, as the index's lowercased text does). */
function scanTerms(forms: readonly string[]): SqlWhere {
  return {
    sql: `(${forms.map(() => `${SEARCH_TEXT} LIKE ? ESCAPE '\\'`).join(' OR ')})`,
    params: forms.map(likeContains),
  };
}

/** Ids starting with `q` when it can start an id: a primary-key range. */
function idRange(q: string): SqlWhere | null {
  const prefix = idPrefix(q);
  if (prefix === null) return null;
  const upper = prefixUpperBound(prefix);
  return upper === null ? { sql: 'id >= ?', params: [prefix] } : { sql: 'id >= ? AND id < ?', params: [prefix, upper] };
}

/**
 * The `q` condition: through the FTS5 trigram index when every form has 3+ characters, else a scan
 * of the same text with LIKE (which folds ASCII case, as the index's lowercased text does). With many
 * matches the rowid is tested with a unary `+`, which keeps SQLite from driving the query by the
 * matches (a lookup and a sort each) instead of walking the newest-first index and probing them.
 */
export function searchWhere(q: string | undefined, manyMatches = false): SqlWhere | null {
  const forms = searchForms(q ?? '');
  if (forms.length === 0) return null;
  const rows = indexedRows(q ?? '');
  if (rows === null) return scannedSearch(q ?? '');
  const among = `${manyMatches ? '+rowid' : 'rowid'} IN (${rows.sql})`;
  return rows.recheck === null
    ? { sql: among, params: rows.params }
    : { sql: `${among} AND ${rows.recheck.sql}`, params: [...rows.params, ...rows.recheck.params] };
}

/**
 * How many rows the index, the tail and the id range give for `q` (a set, read without the rows),
 * and whether that is the number of matches (`exact`: no row needs its text checked); null if not
 * indexed. The count chooses the plan (`manyMatches`) either way.
 */
export function countSearchMatches(q: string | undefined): (SqlWhere & { exact: boolean }) | null {
  const rows = indexedRows(q ?? '');
  return rows === null
    ? null
    : { sql: `SELECT count(*) AS n FROM (${rows.sql})`, params: rows.params, exact: rows.recheck === null };
}

/** The `q` condition without the index: the search text matched with LIKE, or the id prefix. */
export function scannedSearch(q: string): SqlWhere {
  const scan = scanTerms(searchForms(q));
  const range = idRange(q);
  return range === null ? scan : { sql: `(${scan.sql} OR (${range.sql}))`, params: [...scan.params, ...range.params] };
}

/**
 * Candidates an indexed search checks one by one (a rowid lookup and the row's text, ~2 µs each)
 * are worth this many rows read in order by a scan (~0.5 µs each): with more candidates, a total
 * counts the matches by a scan.
 */
export const CANDIDATE_ROWS = 4;

/**
 * Most trigrams of one form an FTS5 query names. Any of them finds every row holding the form (the
 * rows are checked after), so a long `q` doesn't make a long query: evenly spread, first and last kept.
 */
export const MAX_FORM_TRIGRAMS = 16;

/**
 * An FTS5 query for any of the forms: each form's trigrams (its substrings of three code points, as
 * the trigram tokenizer cuts them), all of them required, each a quoted single-token string.
 */
export function ftsQuery(forms: readonly string[]): string {
  return forms.map((form) => `(${formTrigrams(form).map(quoted).join(' AND ')})`).join(' OR ');
}

function formTrigrams(form: string): string[] {
  const points = [...form];
  const all = [...new Set(points.slice(0, -2).map((_, at) => points.slice(at, at + 3).join('')))];
  if (all.length <= MAX_FORM_TRIGRAMS) return all;
  const step = (all.length - 1) / (MAX_FORM_TRIGRAMS - 1);
  return Array.from({ length: MAX_FORM_TRIGRAMS }, (_, k) => all[Math.round(k * step)] as string);
}

function quoted(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** The text id of an event's action (alias `e`), for joining the actions table. */
export const EVENT_ACTION_ID = uuidTextSql('e.action_id');

/** The WHERE clause of eventsAfter; agent_id and tool never change, so they come from the actions row. */
export function eventWhere(afterSeq: number, filter: EventStreamFilter): SqlWhere & { join: boolean } {
  const terms = ['e.seq > ?'];
  const params: unknown[] = [afterSeq];
  if (filter.action_id !== undefined) {
    // The action's own seq list: rowid lookups instead of walking the ledger from afterSeq.
    terms.push(`e.seq IN (${SEQS_OF_ACTION})`);
    params.push(filter.action_id);
  }
  if (filter.status !== undefined) {
    terms.push('e.status = ?');
    params.push(filter.status);
  }
  if (filter.agent_id !== undefined) {
    terms.push('a.agent_id = ?');
    params.push(filter.agent_id);
  }
  if (filter.tool !== undefined) {
    terms.push('a.tool = ?');
    params.push(filter.tool);
  }
  return { sql: terms.join(' AND '), params, join: filter.agent_id !== undefined || filter.tool !== undefined };
}

/**
 * The exclusive upper bound of ids starting with `prefix`, so the lookup is a primary-key range scan
 * (`id >= prefix AND id < upper`) instead of a LIKE that could not use the index. Null: no bound.
 */
export function prefixUpperBound(prefix: string): string | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return null;
}

/** Whether `q` is the filter's only condition (then the index's match count is the list's total). */
export function onlySearch(filter: ActionFilter): boolean {
  const { q: _q, ...rest } = filter;
  return Object.values(rest).every((value) => value === undefined);
}
