import type { ActionRecord } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import { moveAction } from './action-commit.js';
import type { ActionServiceDeps } from './action-service-deps.js';
import { dueExpiry, expiryMeta } from './approval-expiry.js';

/**
 * Expires every pending approval whose window has closed and every approval that lapsed before
 * execution started; returns how many this call expired (another replica may take some first).
 */
export async function expireDue(deps: ActionServiceDeps): Promise<number> {
  const at = deps.now().toISOString();
  const due = [...(await deps.store.listExpiredPending(at, 200)), ...(await deps.store.listExpiredApproved(at, 200))];
  let expired = 0;
  for (const record of due) {
    if ((await tryExpire(deps, record)).expiredNow) expired += 1;
  }
  return expired;
}

/** Expires `record` first if its deadline has passed; answers the action as it is now. */
export async function expireIfDue(deps: ActionServiceDeps, record: ActionRecord): Promise<ActionRecord> {
  return (await tryExpire(deps, record)).record;
}

/**
 * Expires `record` if its deadline has passed. The compare-and-set makes exactly one caller (a
 * sweep on any replica, or a request) record it; the others get the action as it is now.
 */
async function tryExpire(
  deps: ActionServiceDeps,
  record: ActionRecord,
): Promise<{ record: ActionRecord; expiredNow: boolean }> {
  const at = deps.now().toISOString();
  const from = dueExpiry(record, at);
  if (from === null) return { record, expiredNow: false };
  try {
    const expired = await moveAction(deps, record, 'expire', at, { approval_token: null }, expiryMeta(record, from));
    deps.metrics.expirations.inc({ from });
    return { record: expired, expiredNow: true };
  } catch (error) {
    if (error instanceof ApiError) return { record, expiredNow: false };
    const fresh = await deps.store.getAction(record.id);
    return { record: fresh ?? record, expiredNow: false };
  }
}
