import type { ActionRecord } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import { getExact } from './action-lookup.js';
import type { ActionServiceDeps } from './action-service-deps.js';
import { submitAction } from './action-submission.js';
import { requestHash } from './request-hash.js';

/** Submits the same request again, decided by the current policy. */
export async function replayAction(deps: ActionServiceDeps, id: string, principal: Principal): Promise<ActionRecord> {
  if (!can(principal.role, 'action:submit')) {
    throw new ApiError('forbidden', `role "${principal.role}" may not submit actions`);
  }
  const original = await getExact(deps, id, principal);
  if (requestHash(original) !== original.request_hash) {
    throw new ApiError(
      'action_redacted',
      'this action was stored with redacted values, so it cannot be submitted again as it was',
      {
        action_id: original.id,
      },
    );
  }
  const { record } = await submitAction(
    deps,
    {
      agent_id: original.agent_id,
      tool: original.tool,
      operation: original.operation,
      params: original.params,
      context: { ...original.context, replay_of: original.id },
    },
    principal,
    null,
  );
  return record;
}
