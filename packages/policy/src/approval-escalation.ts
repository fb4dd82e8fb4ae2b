import type { ApprovalRequirement } from './approval-requirement.js';

/** An escalation step whose time has come, for the sweeper to record (and notify) exactly once. */
export interface DueEscalation {
  /** 0-based index in `requirement.escalate`. */
  index: number;
  fires_at_ms: number;
  approvers: readonly string[];
  notify: readonly string[];
}

/**
 * How many escalation steps are in effect at `now_ms`: step i is from `pending_since_ms +
 * after_ms` on, whether or not a sweeper has recorded it yet, so a late sweeper never keeps a
 * widened approver waiting.
 */
export function stepsReached(requirement: ApprovalRequirement, pending_since_ms: number, now_ms: number): number {
  let reached = 0;
  for (const step of requirement.escalate) {
    if (now_ms < pending_since_ms + step.after_ms) break;
    reached++;
  }
  return reached;
}

/** When step `index` fires, or null when there is no such step. */
export function stepFiresAt(requirement: ApprovalRequirement, pending_since_ms: number, index: number): number | null {
  const step = requirement.escalate[index];
  return step === undefined ? null : pending_since_ms + step.after_ms;
}

/**
 * For a sweeper: the steps due at `now_ms` that haven't been recorded yet (`fired` = how many
 * steps the action has already recorded, in order), and when the next one after them fires.
 * Record the due steps and the new `fired` count in one transaction, so each fires exactly once.
 */
export function dueEscalations(
  requirement: ApprovalRequirement,
  pending_since_ms: number,
  fired: number,
  now_ms: number,
): { due: DueEscalation[]; next_at_ms: number | null } {
  const reached = stepsReached(requirement, pending_since_ms, now_ms);
  const due: DueEscalation[] = [];
  for (let index = Math.max(0, fired); index < reached; index++) {
    const step = requirement.escalate[index];
    if (step === undefined) break;
    const { approvers, notify } = step;
    due.push({ index, fires_at_ms: pending_since_ms + step.after_ms, approvers, notify });
  }
  return { due, next_at_ms: stepFiresAt(requirement, pending_since_ms, Math.max(fired, reached)) };
}

/**
 * When the approval window closes: the rule's `expires_in`, else the server's default TTL
 * (null or 0: never). The server computes it once, when the action becomes pending.
 */
export function approvalDeadline(
  requirement: ApprovalRequirement,
  pending_since_ms: number,
  default_ttl_ms: number | null,
): number | null {
  const ttl = requirement.expires_in_ms ?? (default_ttl_ms !== null && default_ttl_ms > 0 ? default_ttl_ms : null);
  return ttl === null ? null : pending_since_ms + ttl;
}
