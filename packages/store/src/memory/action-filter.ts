import { canonicalJson } from '@faramesh/canonical';
import { idPrefix, searchForms, searchText } from '../search-text.js';
import type { ActionFilter, ActionRecord } from '../store.js';

/** In-memory equivalent of the SQL WHERE clause built for listActions. */
export function matchesFilter(action: ActionRecord, filter: ActionFilter): boolean {
  if (filter.status !== undefined && action.status !== filter.status) return false;
  if (filter.tool !== undefined && action.tool !== filter.tool) return false;
  if (filter.agent_id !== undefined && action.agent_id !== filter.agent_id) return false;
  if (filter.risk_level !== undefined && action.risk_level !== filter.risk_level) return false;
  if (filter.submitted_by !== undefined && action.submitted_by !== filter.submitted_by) return false;
  if (filter.since !== undefined && action.created_at < filter.since) return false;
  if (filter.until !== undefined && action.created_at >= filter.until) return false;
  const forms = searchForms(filter.q ?? '');
  if (forms.length > 0) {
    const prefix = idPrefix(filter.q ?? '');
    const text = searchText(action, canonicalJson(action.params), canonicalJson(action.context));
    if (!(prefix !== null && action.id.startsWith(prefix)) && !forms.some((form) => text.includes(form))) return false;
  }
  return true;
}

/** Newest first: created_at DESC, id DESC. */
export function newestFirst(a: ActionRecord, b: ActionRecord): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  if (a.id !== b.id) return a.id < b.id ? 1 : -1;
  return 0;
}
