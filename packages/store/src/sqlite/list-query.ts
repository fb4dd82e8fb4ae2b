import type { ActionFilter, EventStreamFilter } from '../store.js';
import { SEQS_OF_ACTION } from './row-mapping.js';

export interface SqlWhere {
  sql: string;
  params: unknown[];
}

/** Escapes LIKE wildcards so that `q` is always a literal substring (the ESCAPE char is '\'). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause of listActions; `total` uses it without the keyset condition. */
export function actionWhere(filter: ActionFilter): SqlWhere {
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
  if (filter.q !== undefined && filter.q !== '') {
    // SQLite's LIKE folds ASCII case only, matching the contract's case-insensitive substring for ids and names.
    const pattern = likeContains(filter.q);
    terms.push(
      "(id LIKE ? ESCAPE '\\' OR agent_id LIKE ? ESCAPE '\\' OR tool LIKE ? ESCAPE '\\' OR operation LIKE ? ESCAPE '\\')",
    );
    params.push(pattern, pattern, pattern, pattern);
  }
  return { sql: terms.length > 0 ? terms.join(' AND ') : '1', params };
}

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
