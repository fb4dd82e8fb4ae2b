/**
 * What a `require_approval` decision asks for, as plain JSON the server stores on the pending
 * action: the action keeps the requirement it was decided under, whatever later reloads change.
 * References are kept as written in the policy (`finance`, `group:sre`, `user:alice`,
 * `alice@corp.example`; see approver-ref.ts). Compiled requirements are frozen: every evaluation
 * of a rule shares one.
 */
export interface ApprovalRequirement {
  /** Who may decide before any escalation; null = any principal whose role may approve. */
  readonly approvers: readonly string[] | null;
  /** Distinct approvals needed (≥ 1). */
  readonly approvals: number;
  /** The rule's approval window; null = the server's default (`FARAMESH_APPROVAL_TTL`). */
  readonly expires_in_ms: number | null;
  /** Escalation steps in firing order (`after_ms` strictly increasing). */
  readonly escalate: readonly EscalationStep[];
  /**
   * The declared groups the references above name, with their members as written: a snapshot,
   * so a policy reload can't change who may decide on an action that is already pending.
   */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** One escalation step: from `after_ms` after the action became pending, `approvers` may also decide. */
export interface EscalationStep {
  readonly after_ms: number;
  readonly approvers: readonly string[];
  readonly notify: readonly string[];
}

/** The requirement of a `require_approval` rule without approval keys, and of a high-risk upgrade. */
export const DEFAULT_REQUIREMENT: ApprovalRequirement = deepFreeze({
  approvers: null,
  approvals: 1,
  expires_in_ms: null,
  escalate: [],
  groups: {},
});

/** Freezes a plain JSON value and everything inside it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
