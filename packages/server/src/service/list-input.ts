import type { ActionList, ListActionsQuery } from '@faramesh/contract';
import type { ActionRecord, ListInput, ListResult } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/**
 * A page of actions ends at this much params and context JSON even before `limit` (it then carries a
 * next_cursor): 500 actions of 1 MiB would otherwise be read, parsed and answered at once.
 */
export const LIST_PAGE_BYTES = 4 * 1024 * 1024;

/** The store query for a list request; agents only ever see what they submitted. */
export function toListInput(query: ListActionsQuery, principal: Principal): ListInput {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  return {
    filter: {
      ...(query.status !== undefined && { status: query.status }),
      ...(query.tool !== undefined && { tool: query.tool }),
      ...(query.agent_id !== undefined && { agent_id: query.agent_id }),
      ...(query.risk_level !== undefined && { risk_level: query.risk_level }),
      ...(query.since !== undefined && { since: new Date(query.since).toISOString() }),
      ...(query.until !== undefined && { until: new Date(query.until).toISOString() }),
      ...(query.q !== undefined && { q: query.q }),
      ...(!can(principal.role, 'action:read_all') && { submitted_by: principal.name }),
    },
    limit: query.limit ?? 20,
    maxBytes: LIST_PAGE_BYTES,
    ...(after === undefined ? { offset: query.offset ?? 0 } : { after }),
  };
}

/** The paging metadata of a page: a cursor for the next page while rows remain. */
export function toPage(input: ListInput, page: ListResult): Omit<ActionList, 'items'> & { items: ActionRecord[] } {
  const offset = input.after === undefined ? (input.offset ?? 0) : 0;
  const last = page.items[page.items.length - 1];
  const consumed = input.after === undefined ? offset + page.items.length : null;
  const full = page.items.length === input.limit || page.truncated === true;
  const more = full && (consumed === null || consumed < page.total);
  return {
    items: page.items,
    total: page.total,
    limit: input.limit,
    offset,
    next_cursor: more && last !== undefined ? encodeCursor(last) : null,
  };
}
