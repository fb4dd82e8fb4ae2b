import type { Action, BreakGlass, JsonObject, Review } from '@faramesh/contract';
import { quorumStatus } from '@faramesh/policy';
import type { ActionRecord, ApprovalState } from '@faramesh/store';
import { quorumInputOf } from './approval-state.js';

/** The `break_glass` field of an action on the wire: null unless an admin broke glass on it. */
export function breakGlassWire(record: ActionRecord): BreakGlass | null {
  const glass = record.approval?.break_glass;
  if (glass === undefined) return null;
  const { status, acknowledged_by, acknowledged_at, note } = glass.review;
  return {
    by: glass.by,
    at: glass.at,
    reason: glass.reason,
    review: { status, acknowledged_by, acknowledged_at, note },
  };
}

/** One item of `GET /v1/reviews`, from an action with a break-glass approval and its wire form. */
export function reviewWire(action: Action): Review {
  const glass = action.break_glass as BreakGlass;
  return {
    action_id: action.id,
    kind: 'break_glass',
    status: glass.review.status,
    opened_by: glass.by,
    opened_at: glass.at,
    reason: glass.reason,
    acknowledged_by: glass.review.acknowledged_by,
    acknowledged_at: glass.review.acknowledged_at,
    note: glass.review.note,
    action,
  };
}

/** Where the quorum stood when the glass was broken: what the break-glass approval bypassed. */
export function quorumSnapshot(record: ActionRecord, state: ApprovalState, at: string): JsonObject {
  const status = quorumStatus(quorumInputOf(record, state, state.submitter_shared), Date.parse(at));
  return {
    approvals_required: status.approvals_required,
    approvals: status.approvals.map((vote) => vote.by),
    remaining: status.remaining,
  };
}
