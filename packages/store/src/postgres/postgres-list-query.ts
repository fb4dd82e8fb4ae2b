import { idPrefix, searchForms } from '../search-text.js';
import { likeContains, prefixUpperBound } from '../sqlite/list-query.js';
import type { ActionFilter, EventStreamFilter } from '../store.js';

/** A WHERE clause with numbered placeholders ($1, $2, ...) and their values. */
export class PgWhere {
  readonly terms: string[] = [];
  readonly params: unknown[] = [];

  /** Adds a value and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.terms.length > 0 ? this.terms.join(' AND ') : 'true';
  }
}

/** The WHERE clause of listActions; `total` uses it without the keyset condition. */
export function actionWhere(filter: ActionFilter): PgWhere {
  const where = new PgWhere();
  const equals = (column: string, value: string | undefined) => {
    if (value !== undefined) where.terms.push(`${column} = ${where.param(value)}`);
  };
  equals('status', filter.status);
  equals('tool', filter.tool);
  equals('agent_id', filter.agent_id);
  equals('risk_level', filter.risk_level);
  equals('submitted_by', filter.submitted_by);
  if (filter.since !== undefined) where.terms.push(`created_at >= ${where.param(filter.since)}`);
  if (filter.until !== undefined) where.terms.push(`created_at < ${where.param(filter.until)}`);
  const forms = searchForms(filter.q ?? '');
  if (forms.length > 0) {
    const like = (form: string) => `${SEARCH_TEXT} ILIKE ${where.param(likeContains(form))} ESCAPE '\\'`;
    const terms = forms.map(like);
    const prefix = idPrefix(filter.q ?? '');
    if (prefix !== null) terms.push(idRange(where, prefix));
    where.terms.push(`(${terms.join(' OR ')})`);
  }
  return where;
}

/**
 * The search text of search-text.ts, exactly as migration 2 indexes it (pg_trgm GIN): the planner
 * uses the index only for this very expression. ILIKE under "C" folds ASCII case only.
 */
const SEARCH_TEXT = `((agent_id || E'\\n' || tool || E'\\n' || operation || E'\\n' ||
          left(params, 4096) || E'\\n' || left(context, 4096)) COLLATE "C")`;

/** The WHERE clause of eventsAfter; agent_id and tool never change, so they come from the actions row. */
export function eventWhere(afterSeq: number, filter: EventStreamFilter): PgWhere & { join: boolean } {
  const where = new PgWhere();
  where.terms.push(`e.seq > ${where.param(afterSeq)}`);
  if (filter.action_id !== undefined) where.terms.push(`e.action_id = ${where.param(filter.action_id)}`);
  if (filter.status !== undefined) where.terms.push(`e.status = ${where.param(filter.status)}`);
  if (filter.agent_id !== undefined) where.terms.push(`a.agent_id = ${where.param(filter.agent_id)}`);
  if (filter.tool !== undefined) where.terms.push(`a.tool = ${where.param(filter.tool)}`);
  return Object.assign(where, { join: filter.agent_id !== undefined || filter.tool !== undefined });
}

/** Ids starting with `prefix`: a primary-key range. */
function idRange(where: PgWhere, prefix: string): string {
  const upper = prefixUpperBound(prefix);
  const from = `id >= ${where.param(prefix)}`;
  return upper === null ? from : `(${from} AND id < ${where.param(upper)})`;
}
