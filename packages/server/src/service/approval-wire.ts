import type { DecisionRight, WaitingFor } from '@faramesh/contract';
import { describeWaitingFor, mayDecide, type WaitingFor as QuorumWaitingFor, quorumStatus } from '@faramesh/policy';
import type { ActionRecord } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { selfDecision, submitterMayDecide } from '../auth/separation-of-duties.js';
import { approvalStateOf, quorumInputOf } from './approval-state.js';

/** The approval fields of an action on the wire. */
export interface ApprovalProgress {
  approvals_required: number | null;
  approvals: { by: string; at: string; reason: string | null }[];
  waiting_for: WaitingFor | null;
  escalation_step: number;
  escalation_steps: number;
  next_escalation_at: string | null;
}

const NONE: ApprovalProgress = {
  approvals_required: null,
  approvals: [],
  waiting_for: null,
  escalation_step: 0,
  escalation_steps: 0,
  next_escalation_at: null,
};

/**
 * The approval progress of `record` at `atMs`, as the quorum rules see it: computed from the stored
 * state, so an SSE frame rendered from a snapshot shows exactly what was true when it was recorded.
 */
export function approvalProgress(record: ActionRecord, atMs: number): ApprovalProgress {
  const state = approvalStateOf(record);
  if (state === null) return NONE;
  const status = quorumStatus(quorumInputOf(record, state, state.submitter_shared), atMs);
  const pending = record.status === 'pending_approval';
  return {
    approvals_required: status.approvals_required,
    approvals: status.approvals.map((vote) => ({
      by: vote.by,
      at: new Date(vote.at_ms).toISOString(),
      reason: vote.reason,
    })),
    waiting_for: pending && status.state === 'pending' ? waitingForWire(status.waiting_for) : null,
    escalation_step: status.escalation.step,
    escalation_steps: status.escalation.steps,
    next_escalation_at:
      pending && status.escalation.next_at_ms !== null ? new Date(status.escalation.next_at_ms).toISOString() : null,
  };
}

export function waitingForWire(who: QuorumWaitingFor): WaitingFor {
  return { ...who, text: describeWaitingFor(who) };
}

/**
 * Whether `principal` may approve or deny `record` at `nowMs`, and if not why: the role check, the
 * separation of duties and the quorum rules, in the order a decision would meet them. Undefined when
 * the action is not pending approval.
 */
export function decisionRight(record: ActionRecord, principal: Principal, nowMs: number): DecisionRight | undefined {
  const state = approvalStateOf(record);
  if (record.status !== 'pending_approval' || state === null) return undefined;
  if (!can(principal.role, 'action:decide')) {
    return { ok: false, code: 'forbidden', reason: `role "${principal.role}" may not approve or deny actions` };
  }
  if (selfDecision(record.submitted_by, principal) === 'forbidden') {
    return { ok: false, code: 'self_approval_forbidden', reason: 'you submitted this action and may not decide on it' };
  }
  const input = quorumInputOf(
    record,
    state,
    submitterMayDecide(record.submitted_by, principal, state.submitter_shared),
  );
  const verdict = mayDecide(input, principal, nowMs);
  return verdict.ok
    ? { ok: true, code: 'ok', reason: null }
    : { ok: false, code: verdict.code, reason: verdict.message };
}
