import {
  type ApprovalRequirement,
  approvalDeadline,
  DEFAULT_REQUIREMENT,
  dueEscalations,
  type QuorumInput,
  type RecordedDecision,
  readApprovalRequirement,
} from '@faramesh/policy';
import type { ActionRecord, ApprovalDecisionRecord, ApprovalState, JsonObject } from '@faramesh/store';

/**
 * The bridge between a stored action and the pure approval rules of `@faramesh/policy`: what the
 * server stores when an action becomes pending, and the `QuorumInput` it reads back. No rule is
 * decided here; `approval-quorum.ts` and `approval-escalation.ts` decide.
 */

/**
 * A requirement that names nobody: what a stored requirement that can't be read becomes, so
 * damaged data never widens who may decide (the action can then only expire, be denied by no one,
 * or be cancelled).
 */
const NOBODY: ApprovalRequirement = { ...DEFAULT_REQUIREMENT, approvers: [] };

/** The approval state a freshly pending action starts with, and its approval window's deadline. */
export function initialApprovalState(
  requirement: ApprovalRequirement,
  createdAt: string,
  defaultTtlSeconds: number,
  submitterShared: boolean,
): { state: ApprovalState; expiresAt: string | null } {
  const since = Date.parse(createdAt);
  const deadline = approvalDeadline(requirement, since, defaultTtlSeconds > 0 ? defaultTtlSeconds * 1000 : null);
  const { next_at_ms } = dueEscalations(requirement, since, 0, since);
  return {
    state: {
      requirement: requirement as unknown as JsonObject,
      decisions: [],
      escalations_fired: 0,
      next_escalation_at: nextEscalationAt(next_at_ms, deadline),
      submitter_shared: submitterShared,
    },
    expiresAt: deadline === null ? null : new Date(deadline).toISOString(),
  };
}

/**
 * The approval state of an action that needs (or needed) approval. Actions stored before the state
 * existed get the default requirement (one approval from any approver) and their one recorded decision.
 */
export function approvalStateOf(record: ActionRecord): ApprovalState | null {
  if (record.approval !== undefined) return record.approval;
  if (record.decision !== 'require_approval') return null;
  const decided = record.approval_decided_by !== null && record.approval_decided_at !== null;
  return {
    requirement: DEFAULT_REQUIREMENT as unknown as JsonObject,
    decisions: decided
      ? [
          {
            by: record.approval_decided_by as string,
            // Only a denial ends `denied`; an approved action that expired had lapsed unstarted.
            approve: record.status !== 'denied',
            at: record.approval_decided_at as string,
            reason: record.approval_reason,
          },
        ]
      : [],
    escalations_fired: 0,
    next_escalation_at: null,
    submitter_shared: false,
  };
}

/** The stored requirement, parsed at the edge; one that can't be read names nobody. */
export function requirementOf(state: ApprovalState): ApprovalRequirement {
  return readApprovalRequirement(state.requirement) ?? NOBODY;
}

/** What the quorum rules need about `record`. `submitterMayDecide` is the server's call (separation-of-duties.ts). */
export function quorumInputOf(record: ActionRecord, state: ApprovalState, submitterMayDecide: boolean): QuorumInput {
  return {
    requirement: requirementOf(state),
    submitter: record.submitted_by,
    pending_since_ms: Date.parse(record.created_at),
    // Only a pending action's deadline is its approval window's (once approved it is the start deadline).
    expires_at_ms:
      record.status === 'pending_approval' && record.approval_expires_at !== null
        ? Date.parse(record.approval_expires_at)
        : null,
    decisions: state.decisions.map(fromStored),
    submitter_may_decide: submitterMayDecide,
  };
}

export function toStored(decision: RecordedDecision): ApprovalDecisionRecord {
  return {
    by: decision.by,
    approve: decision.approve,
    at: new Date(decision.at_ms).toISOString(),
    reason: decision.reason,
  };
}

function fromStored(decision: ApprovalDecisionRecord): RecordedDecision {
  return { by: decision.by, approve: decision.approve, at_ms: Date.parse(decision.at), reason: decision.reason };
}

/** The sweeper's next look: the next step's time, unless the window closes first (then never). */
export function nextEscalationAt(nextAtMs: number | null, deadlineMs: number | null): string | null {
  if (nextAtMs === null || (deadlineMs !== null && nextAtMs >= deadlineMs)) return null;
  return new Date(nextAtMs).toISOString();
}
