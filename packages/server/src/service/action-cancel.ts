import type { CancelRequest } from '@faramesh/contract';
import type { ActionRecord } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import { moveAction } from './action-commit.js';
import { getExact } from './action-lookup.js';
import type { ActionServiceDeps } from './action-service-deps.js';
import { retryingOnce } from './retry-once.js';

/**
 * Withdraws an action that has not started (pending_approval, allowed or approved): the agent no
 * longer needs it. Only its submitter or an admin may; it ends `cancelled`, a final status.
 */
export async function cancelAction(
  deps: ActionServiceDeps,
  id: string,
  body: CancelRequest | null,
  principal: Principal,
): Promise<ActionRecord> {
  const initial = await getExact(deps, id, principal);
  const own = !principal.openMode && initial.submitted_by !== null && initial.submitted_by === principal.name;
  if (!own && !can(principal.role, 'action:cancel_any')) {
    throw new ApiError('forbidden', 'only the submitter of an action or an admin may cancel it');
  }
  const reason = body?.reason ?? null;
  return retryingOnce(
    deps,
    initial,
    principal,
    async (record) => {
      const at = deps.now().toISOString();
      const from = record.status;
      const meta = { by: principal.name, role: principal.role, reason, from };
      const updated = await moveAction(deps, record, 'cancel', at, { approval_token: null }, meta);
      deps.metrics.cancellations.inc({ from });
      return updated;
    },
    // Cancelling what already ended is refused like any other move out of a final status.
    { expiredIsApprovalExpired: false },
  );
}
