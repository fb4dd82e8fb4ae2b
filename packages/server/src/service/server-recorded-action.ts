import type { ActionRecord, NewAction, NewEvent } from '@faramesh/store';
import type { ActionServiceDeps } from './action-service-deps.js';

/**
 * Writes an action the server records of itself (an administrative act with ledger events but no
 * agent's request), stamped with the active policy, published once committed.
 */
export async function recordServerAction(
  deps: ActionServiceDeps,
  action: Omit<NewAction, 'policy_version' | 'policy_hash'>,
  events: NewEvent[],
): Promise<ActionRecord> {
  const policy = deps.policy.current();
  const stamped: NewAction = Object.assign({}, action, { policy_version: policy.version, policy_hash: policy.hash });
  const result = await deps.store.createAction({ action: stamped, events });
  deps.metrics.countAction(result.action.status, result.action.tool);
  deps.hub.publish(result.events);
  return result.action;
}
