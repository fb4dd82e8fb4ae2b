import type { ActionRecord } from '@faramesh/store';
import { StoreError } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { expireIfDue } from './action-expiry.js';
import { getExact } from './action-lookup.js';
import type { ActionServiceDeps } from './action-service-deps.js';
import { approvalExpiredError } from './approval-expiry.js';

/**
 * Runs one move on the action after expiring it if due (an expired one answers 409
 * `approval_expired`). If the action changed meanwhile (an expiry sweep, a cancel, a concurrent
 * start on another replica) the compare-and-set fails; the move is then re-judged once against the
 * fresh action, so the caller learns the real reason (`approval_expired`, `invalid_transition`).
 */
export async function retryingOnce(
  deps: ActionServiceDeps,
  initial: ActionRecord,
  principal: Principal,
  apply: (record: ActionRecord) => Promise<ActionRecord>,
  options: { expiredIsApprovalExpired: boolean } = { expiredIsApprovalExpired: true },
): Promise<ActionRecord> {
  let record = initial;
  for (let attempt = 0; ; attempt++) {
    record = await expireIfDue(deps, record);
    if (record.status === 'expired' && options.expiredIsApprovalExpired) throw approvalExpiredError(record);
    try {
      return await apply(record);
    } catch (error) {
      if (attempt > 0 || !(error instanceof StoreError && error.code === 'version_conflict')) throw error;
      record = await getExact(deps, record.id, principal);
    }
  }
}
