import type { Action, ActionEvent, Decision, EventType, RiskLevel, Status } from '@faramesh/contract';
import type { ActionRecord, EventRecord } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { actionSummary } from './action-summary.js';

/**
 * Store records → wire objects. The approval token leaves the server only towards roles that may
 * decide; the idempotency key never leaves it; `summary` is derived here, never stored.
 */
export function actionToWire(record: ActionRecord, principal: Principal): Action {
  const { idempotency_key: _key, approval_token, ...rest } = record;
  const action: Action = {
    ...rest,
    status: record.status as Status,
    decision: record.decision as Decision,
    risk_level: record.risk_level as RiskLevel,
    summary: actionSummary(record.params),
  };
  if (can(principal.role, 'action:see_approval_token')) action.approval_token = approval_token;
  return action;
}

export function eventToWire(record: EventRecord): ActionEvent {
  return {
    id: record.id,
    seq: record.seq,
    action_id: record.action_id,
    event_type: record.event_type as EventType,
    meta: record.meta,
    created_at: record.created_at,
    hash: record.hash,
    prev_hash: record.prev_hash,
  };
}
