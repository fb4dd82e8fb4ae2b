import { approvalDeadline, dueEscalations } from './approval-escalation.js';
import { mayDecide, type QuorumInput, quorumStatus, recordDecision } from './approval-quorum.js';
import type { ApprovalRequirement } from './approval-requirement.js';
import type { QuorumCase, QuorumStep } from './case-quorum.js';
import { formatDuration } from './duration.js';

/**
 * Plays a case's `quorum:` timeline against the requirement its action was decided with: the
 * action becomes pending at time 0, each step runs at its `at`, decisions that are accepted are
 * recorded, and a sweep records the due escalation steps. Returns one line per difference.
 */
export function runQuorumCase(
  requirement: ApprovalRequirement | null,
  submitter: string | null,
  quorum: QuorumCase,
): string[] {
  if (requirement === null) return ['quorum: the action was not decided require_approval, so it has no requirement'];
  const input: QuorumInput = {
    requirement,
    submitter,
    pending_since_ms: 0,
    expires_at_ms: approvalDeadline(requirement, 0, quorum.default_ttl_ms),
    decisions: [],
    submitter_may_decide: quorum.submitter_may_decide,
  };
  let fired = 0;
  const failures: string[] = [];
  for (const step of quorum.steps) {
    const actual: Record<string, unknown> = {};
    const now = step.at_ms;
    const { action } = step;
    if (action.kind === 'approve' || action.kind === 'deny') {
      const choice = { approve: action.kind === 'approve', reason: action.reason };
      const result = recordDecision(input, action.who, choice, now);
      actual.may_decide = result.ok ? 'ok' : result.refusal.code;
      if (result.ok) {
        actual.outcome = result.outcome;
        input.decisions = [...input.decisions, result.decision];
      }
    } else if (action.kind === 'ask') {
      actual.may_decide = mayDecide(input, action.who, now).code;
    } else if (action.kind === 'sweep') {
      const { due } = dueEscalations(requirement, 0, fired, now);
      actual.due = due.map((escalation) => escalation.index);
      fired += due.length;
    }
    const status = quorumStatus(input, now);
    Object.assign(actual, {
      state: status.state,
      remaining: status.remaining,
      approvals: status.approvals.map((approval) => approval.by),
      denied_by: status.denial?.by ?? null,
      escalation_step: status.escalation.step,
      next_escalation_at: status.escalation.next_at_ms,
      reachable: status.reachable,
      waiting_for: status.waiting_for,
    });
    failures.push(...compareStep(step, actual));
  }
  return failures;
}

function compareStep(step: QuorumStep, actual: Record<string, unknown>): string[] {
  const failures: string[] = [];
  const where = `quorum step at ${formatDuration(step.at_ms)} (line ${step.line})`;
  for (const [key, expected] of Object.entries(step.expect)) {
    if (!(key in actual)) {
      failures.push(`${where}: \`${key}\` can't be checked on a ${step.action.kind} step`);
      continue;
    }
    let got = actual[key];
    // waiting_for compares only the fields the case gives.
    if (key === 'waiting_for' && got !== null && typeof got === 'object') {
      got = Object.fromEntries(
        Object.keys(expected as object).map((field) => [field, (got as Record<string, unknown>)[field]]),
      );
    }
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      failures.push(`${where} ${key}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
    }
  }
  return failures;
}
