import { type ActionList, type ListActionsQuery, parseTimestamp, TIMESTAMP_FORMAT_HINT } from '@faramesh/contract';
import type { ActionRecord, ListInput, ListResult } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
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
      ...(query.since !== undefined && { since: timestamp(query.since, 'since') }),
      ...(query.until !== undefined && { until: timestamp(query.until, 'until') }),
      ...(query.q !== undefined && { q: query.q }),
      ...(!can(principal.role, 'action:read_all') && { submitted_by: principal.name }),
    },
    limit: query.limit ?? 20,
    maxBytes: LIST_PAGE_BYTES,
    ...(after === undefined ? { offset: query.offset ?? 0 } : { after }),
  };
}

/** The schema's date-time format already accepted it; the check keeps a bypass from becoming a 500. */
function timestamp(text: string, name: string): string {
  const iso = parseTimestamp(text);
  if (iso !== null) return iso;
  throw new ApiError(
    'validation_failed',
    `invalid querystring: querystring.${name}: must be ${TIMESTAMP_FORMAT_HINT}`,
    [{ path: `querystring.${name}`, message: `must be ${TIMESTAMP_FORMAT_HINT}` }],
  );
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
