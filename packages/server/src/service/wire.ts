import type { Action, ActionEvent, Decision, EventType, RiskLevel, Status } from '@faramesh/contract';
import type { ActionRecord, EventRecord } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { actionSummary } from './action-summary.js';
import { approvalProgress, decisionRight } from './approval-wire.js';
import { breakGlassWire } from './break-glass-wire.js';

/**
 * Store records → wire objects. The approval token leaves the server only towards roles that may
 * decide; the idempotency key never leaves it; `summary` is derived here, never stored; the stored
 * approval state becomes the approval progress fields. Without `now` the action is shown as of its
 * last change (SSE frames, exports: rendered once for every reader); with it, as of `now` and with
 * the caller's `you_may_decide`.
 */
export function actionToWire(record: ActionRecord, principal: Principal, now?: Date): Action {
  const atMs = now === undefined ? Date.parse(record.updated_at) : now.getTime();
  const progress = approvalProgress(record, atMs);
  // One literal naming every field (the idempotency key and the approval state left out): a copy of
  // the record by rest/spread and fields added to it turned the answer into a dictionary-mode object
  // in V8, ~10× slower to build and slower to stringify (bench/RESULTS.md, issue 18 round 3).
  const action: Action = {
    id: record.id,
    agent_id: record.agent_id,
    tool: record.tool,
    operation: record.operation,
    params: record.params,
    context: record.context,
    status: record.status as Status,
    decision: record.decision as Decision,
    reason: record.reason,
    reason_code: record.reason_code,
    risk_level: record.risk_level as RiskLevel,
    risk_rule: record.risk_rule,
    matched_rule: record.matched_rule,
    policy_version: record.policy_version,
    policy_hash: record.policy_hash,
    request_hash: record.request_hash,
    approval_expires_at: record.approval_expires_at,
    approval_decided_by: record.approval_decided_by,
    approval_decided_at: record.approval_decided_at,
    approval_reason: record.approval_reason,
    submitted_by: record.submitted_by,
    started_at: record.started_at,
    finished_at: record.finished_at,
    result_error: record.result_error,
    created_at: record.created_at,
    updated_at: record.updated_at,
    version: record.version,
    summary: actionSummary(record.params),
    approvals_required: progress.approvals_required,
    approvals: progress.approvals,
    waiting_for: progress.waiting_for,
    escalation_step: progress.escalation_step,
    escalation_steps: progress.escalation_steps,
    next_escalation_at: progress.next_escalation_at,
    break_glass: breakGlassWire(record),
  };
  if (record.grant_id !== undefined) action.grant_id = record.grant_id;
  if (can(principal.role, 'action:see_approval_token')) action.approval_token = record.approval_token;
  const right = now === undefined ? undefined : decisionRight(record, principal, atMs);
  if (right !== undefined) action.you_may_decide = right;
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
