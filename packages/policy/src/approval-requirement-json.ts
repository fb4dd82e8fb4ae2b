import { type ApprovalRequirement, deepFreeze, type EscalationStep } from './approval-requirement.js';

/**
 * Reads a requirement back from stored JSON (the server's database column), or null when it is
 * not one: parse at the edge, so the quorum rules only ever see a well-formed requirement. The
 * references inside are not re-validated; one that doesn't parse names nobody (approver-set.ts).
 */
export function readApprovalRequirement(value: unknown): ApprovalRequirement | null {
  if (!isRecord(value)) return null;
  const { approvers, approvals, expires_in_ms, escalate, groups } = value;
  if (approvers !== null && !isStrings(approvers)) return null;
  if (!isCount(approvals) || approvals < 1) return null;
  if (expires_in_ms !== null && (!isCount(expires_in_ms) || expires_in_ms < 1)) return null;
  if (!Array.isArray(escalate) || !isRecord(groups)) return null;
  const steps: EscalationStep[] = [];
  for (const step of escalate) {
    if (!isRecord(step) || !isCount(step.after_ms) || !isStrings(step.approvers) || !isStrings(step.notify))
      return null;
    if (step.after_ms <= (steps.at(-1)?.after_ms ?? 0)) return null;
    steps.push({ after_ms: step.after_ms, approvers: [...step.approvers], notify: [...step.notify] });
  }
  const snapshot: Record<string, string[]> = {};
  for (const [name, members] of Object.entries(groups)) {
    if (!isStrings(members)) return null;
    snapshot[name] = [...members];
  }
  return deepFreeze({
    approvers: approvers === null ? null : [...approvers],
    approvals,
    expires_in_ms,
    escalate: steps,
    groups: snapshot,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
