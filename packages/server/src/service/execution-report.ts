import { COMMAND_EVENTS, type Command, type ResultRequest } from '@faramesh/contract';
import type { ActionPatch, ActionRecord, NewEvent } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import { commitChange, moveAction, newEvent } from './action-commit.js';
import { getExact } from './action-lookup.js';
import type { ActionServiceDeps } from './action-service-deps.js';
import { retryingOnce } from './retry-once.js';
import { assertMove } from './transition-check.js';

/** Records that the agent started executing an allowed or approved action. */
export async function startExecution(deps: ActionServiceDeps, id: string, principal: Principal): Promise<ActionRecord> {
  const initial = await executable(deps, id, principal);
  return retryingOnce(deps, initial, principal, async (record) => {
    const at = deps.now().toISOString();
    return moveAction(deps, record, 'start', at, { started_at: at }, { by: principal.name });
  });
}

/** Records how execution ended; from allowed/approved it records the implied start as well. */
export async function reportResult(
  deps: ActionServiceDeps,
  id: string,
  body: ResultRequest,
  principal: Principal,
): Promise<ActionRecord> {
  const initial = await executable(deps, id, principal);
  return retryingOnce(deps, initial, principal, (record) => recordResult(deps, record, body, principal));
}

async function recordResult(deps: ActionServiceDeps, record: ActionRecord, body: ResultRequest, principal: Principal) {
  const at = deps.now().toISOString();
  const command: Command = body.success ? 'succeed' : 'fail';
  const error = body.success ? null : (body.error ?? null);
  const patch: ActionPatch = { finished_at: at, result_error: error };
  const events: NewEvent[] = [];
  let current = record;
  if (current.status === 'allowed' || current.status === 'approved') {
    assertMove(current, 'start');
    events.push(newEvent(deps, 'started', { by: principal.name, implied: true }));
    patch.started_at = at;
    current = { ...current, status: 'executing' };
  }
  const next = assertMove(current, command);
  events.push(newEvent(deps, COMMAND_EVENTS[command], { by: principal.name, error }));
  const updated = await commitChange(deps, current, { ...patch, status: next }, events, at);
  const started = updated.started_at ?? at;
  deps.metrics.observeExecution(
    updated.tool,
    body.success ? 'succeeded' : 'failed',
    (Date.parse(at) - Date.parse(started)) / 1000,
  );
  return updated;
}

async function executable(deps: ActionServiceDeps, id: string, principal: Principal): Promise<ActionRecord> {
  if (!can(principal.role, 'action:execute')) {
    throw new ApiError('forbidden', `role "${principal.role}" may not report execution`);
  }
  return getExact(deps, id, principal);
}
