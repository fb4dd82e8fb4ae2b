import type { ListActionsQuery } from '@faramesh/contract';
import type { ActionRecord, ListInput, Store } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { decisionRight } from './approval-wire.js';
import { LIST_PAGE_BYTES, toListInput, toPage } from './list-input.js';

/**
 * Most pending actions one "waiting for me" request looks at. Whether the caller may decide is the
 * quorum rules' call (approvers, groups, escalation by time, who already approved), which no index
 * can answer, so the server reads the pending actions, newest first, and keeps the caller's.
 * Pending actions are few (each is decided or expires within its window); past this many, the
 * oldest are not looked at and `total` counts only those read.
 */
export const MAX_AWAITING_SCAN = 10_000;

const SCAN_PAGE = 200;

/**
 * `GET /v1/actions?awaiting=me`: the pending actions `principal` may approve or deny now, with the
 * other filters and paging of the list. Memory stays bounded: each store page ends at
 * LIST_PAGE_BYTES, and only the answered page is kept.
 */
export async function listAwaiting(store: Store, query: ListActionsQuery, principal: Principal, now: Date) {
  const input = toListInput({ ...query, status: 'pending_approval' }, principal);
  const empty = query.status !== undefined && query.status !== 'pending_approval';
  const items: ActionRecord[] = [];
  let total = 0;
  let skip = input.after === undefined ? (input.offset ?? 0) : 0;
  let bytes = 0;
  let scanned = 0;
  let cursor: ListInput['after'];
  while (!empty && scanned < MAX_AWAITING_SCAN) {
    const page = await store.listActions({
      filter: input.filter,
      limit: Math.min(SCAN_PAGE, MAX_AWAITING_SCAN - scanned),
      maxBytes: LIST_PAGE_BYTES,
      ...(cursor !== undefined && { after: cursor }),
    });
    for (const record of page.items) {
      if (decisionRight(record, principal, now.getTime())?.ok !== true) continue;
      total += 1;
      if (!isAfter(record, input.after)) continue;
      if (skip > 0) skip -= 1;
      else if (items.length < input.limit && bytes < LIST_PAGE_BYTES) {
        items.push(record);
        bytes += JSON.stringify(record.params).length + JSON.stringify(record.context).length;
      }
    }
    scanned += page.items.length;
    const last = page.items.at(-1);
    if (last === undefined || (page.items.length < SCAN_PAGE && page.truncated !== true)) break;
    cursor = { created_at: last.created_at, id: last.id };
  }
  const truncated = bytes >= LIST_PAGE_BYTES && items.length < input.limit;
  return toPage(input, { items, total, truncated });
}

/** Strictly after the cursor in newest-first order (older), or no cursor at all. */
function isAfter(record: ActionRecord, after: ListInput['after']): boolean {
  if (after === undefined) return true;
  return record.created_at < after.created_at || (record.created_at === after.created_at && record.id < after.id);
}
