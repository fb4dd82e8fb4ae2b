import { idPrefix, indexable, searchForms } from '../search-text.js';
import type { ActionFilter, EventStreamFilter } from '../store.js';
import { packUuidSql, uuidTextSql } from './compact-ids.js';
import { SEQS_OF_ACTION } from './row-mapping.js';
import { SEARCH_ACTION_ID, SEARCH_INDEXED_UPTO, SEARCH_TABLE, SEARCH_TEXT } from './search-batch.js';

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

/**
 * The ids `q` matches through the FTS5 index, in the tail of actions not indexed yet (a scan of at
 * most SEARCH_INDEX_ROWS rows, search-batch.ts) and as an id prefix (a primary-key range), or null.
 * `packed`: as the index stores them (compact-ids.ts), so many matches go into the set as they are,
 * and the rows probed against it pack their id; otherwise as text, for primary-key lookups.
 */
function indexedIds(q: string, packed: boolean): SqlWhere | null {
  const forms = searchForms(q);
  if (forms.length === 0 || !indexable(forms)) return null;
  const id = packed ? PACKED_ID : 'id';
  const scan = scanTerms(forms);
  const sql = `SELECT ${packed ? 'action_id' : SEARCH_ACTION_ID} FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH ?
    UNION ALL SELECT ${id} FROM actions WHERE rowid > (${SEARCH_INDEXED_UPTO}) AND ${scan.sql}`;
  const params = [ftsQuery(forms), ...scan.params];
  const range = idRange(q);
  return range === null
    ? { sql, params }
    : { sql: `${sql} UNION SELECT ${id} FROM actions WHERE ${range.sql}`, params: [...params, ...range.params] };
}

/** `q`'s forms looked for in SEARCH_TEXT with LIKE (which folds ASCII case, as the index's lowercased text does). */
function scanTerms(forms: readonly string[]): SqlWhere {
  return {
    sql: `(${forms.map(() => `${SEARCH_TEXT} LIKE ? ESCAPE '\\'`).join(' OR ')})`,
    params: forms.map(likeContains),
  };
}

/** An actions row's id as SEARCH_TABLE stores it. */
const PACKED_ID = packUuidSql('id');

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
 * matches the packed id (an expression, not the column) keeps SQLite from driving the query by id
 * lookups (one per match).
 */
export function searchWhere(q: string | undefined, manyMatches = false): SqlWhere | null {
  const forms = searchForms(q ?? '');
  if (forms.length === 0) return null;
  const ids = indexedIds(q ?? '', manyMatches);
  if (ids !== null) return { sql: `${manyMatches ? PACKED_ID : 'id'} IN (${ids.sql})`, params: ids.params };
  const scan = scanTerms(forms);
  const range = idRange(q ?? '');
  return range === null ? scan : { sql: `(${scan.sql} OR (${range.sql}))`, params: [...scan.params, ...range.params] };
}

/** How many actions an indexed search matches, from the index, the tail and the id range alone; null if not indexed. */
export function countSearchMatches(q: string | undefined): SqlWhere | null {
  const ids = indexedIds(q ?? '', true);
  return ids === null ? null : { sql: `SELECT count(*) AS n FROM (${ids.sql})`, params: ids.params };
}

/** An FTS5 query for any of the forms, each one phrase (a substring, for the trigram tokenizer). */
export function ftsQuery(forms: readonly string[]): string {
  return forms.map((form) => `"${form.replaceAll('"', '""')}"`).join(' OR ');
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
