import { stepFiresAt, stepsReached } from './approval-escalation.js';
import type { ApprovalRequirement } from './approval-requirement.js';
import { identityKey } from './approver-ref.js';
import { type ApproverPrincipal, expandRefs, setAdmits } from './approver-set.js';

/** One approval or denial already recorded on the action. */
export interface RecordedDecision {
  /** The identity that decided (the principal's name). */
  by: string;
  approve: boolean;
  at_ms: number;
  reason: string | null;
}

/** Everything the approval rules need to know about one action awaiting approval. */
export interface QuorumInput {
  /** The requirement stored on the action when it was decided (`Evaluation.approval`). */
  requirement: ApprovalRequirement;
  /** Who submitted it; null when no identity did (open mode), so nobody is excluded as the submitter. */
  submitter: string | null;
  /** When it became pending; escalation steps count from here. */
  pending_since_ms: number;
  /** When the approval window closes (see `approvalDeadline`); null: never. */
  expires_at_ms: number | null;
  /** Decisions recorded so far, in the order they were recorded. */
  decisions: readonly RecordedDecision[];
  /**
   * The server's call, not the policy's: true only when every caller shares one identity (one
   * `FARAMESH_TOKEN`, or open mode), where duties can't be separated, so the submitter may decide.
   * Between named identities it is false and the submitter never decides nor counts.
   */
  submitter_may_decide: boolean;
}

/** Who may still approve, for "waiting for finance" and for notifications. */
export interface WaitingFor {
  /** The rule names no approvers: any principal whose role may approve (the server checks roles). */
  any_approver: boolean;
  /** The references in effect: the rule's approvers plus every escalation step reached, as written. */
  approvers: string[];
  /** Known identities that may still approve (named, or members of declared groups), minus the submitter and whoever approved. */
  identities: string[];
  /** Groups from the identity provider (`group:` references) whose members may also approve. */
  runtime_groups: string[];
}

export type QuorumState = 'pending' | 'approved' | 'denied' | 'expired';

/** The approval progress of an action at one instant; plain JSON for the wire. */
export interface QuorumStatus {
  state: QuorumState;
  approvals_required: number;
  /** The approvals that count: one per distinct identity, in order, never the submitter's between named identities. */
  approvals: RecordedDecision[];
  /** The deny that decided, if any. */
  denial: RecordedDecision | null;
  /** Approvals still needed (0 once approved). */
  remaining: number;
  /** Empty (nobody, no groups) unless pending. */
  waiting_for: WaitingFor;
  escalation: {
    /** Steps in effect (0 = none yet). */
    step: number;
    steps: number;
    /** When the next step fires; null when none is left, or it would fire after the window closes. */
    next_at_ms: number | null;
  };
  /**
   * False when the approvals still needed exceed everyone who could ever still approve (all
   * escalation steps counted, submitter excluded): the action can then only expire or be denied.
   * Always true when `group:` references or "any approver" leave the set open.
   */
  reachable: boolean;
}

export type Refusal =
  | 'self_approval_forbidden'
  | 'not_an_approver'
  | 'already_approved'
  | 'already_decided'
  | 'expired';

/** Whether one principal may approve or deny now, and if not, why (a stable code for a 403/409). */
export type MayDecide =
  | { ok: true; code: 'ok' }
  | { ok: false; code: 'not_an_approver'; message: string; who_may: WaitingFor }
  | { ok: false; code: Exclude<Refusal, 'not_an_approver'>; message: string };

/** What recording a decision leads to; on `ok`, store `decision` and, unless `partial`, move the action. */
export type RecordOutcome =
  | { ok: false; refusal: Exclude<MayDecide, { ok: true }> }
  | { ok: true; outcome: 'partial' | 'approved' | 'denied'; decision: RecordedDecision; status: QuorumStatus };

/** The approval progress of the action at `now_ms`. */
export function quorumStatus(input: QuorumInput, now_ms: number): QuorumStatus {
  const { requirement } = input;
  const tally = tallyDecisions(input);
  const remaining = Math.max(0, requirement.approvals - tally.approvals.length);
  let state: QuorumState = tally.denial !== null ? 'denied' : remaining === 0 ? 'approved' : 'pending';
  if (state === 'pending' && input.expires_at_ms !== null && now_ms >= input.expires_at_ms) state = 'expired';
  const step = stepsReached(requirement, input.pending_since_ms, now_ms);
  const next = stepFiresAt(requirement, input.pending_since_ms, step);
  const open = input.expires_at_ms === null || (next !== null && next < input.expires_at_ms);
  const excluded = excludedKeys(input, tally.approvals);
  return {
    state,
    approvals_required: requirement.approvals,
    approvals: tally.approvals,
    denial: tally.denial,
    remaining,
    waiting_for: state === 'pending' ? waitingFor(requirement, step, excluded) : nobody(),
    escalation: { step, steps: requirement.escalate.length, next_at_ms: state === 'pending' && open ? next : null },
    reachable: remaining <= stillPossible(requirement, excluded),
  };
}

/** Whether `candidate` may approve or deny at `now_ms`. The server checks the role first. */
export function mayDecide(input: QuorumInput, candidate: ApproverPrincipal, now_ms: number): MayDecide {
  const status = quorumStatus(input, now_ms);
  if (status.state === 'approved' || status.state === 'denied') {
    return { ok: false, code: 'already_decided', message: `the action is already ${status.state}` };
  }
  if (status.state === 'expired') {
    return { ok: false, code: 'expired', message: 'the approval window of this action has closed' };
  }
  const key = identityKey(candidate.name);
  if (!input.submitter_may_decide && input.submitter !== null && key === identityKey(input.submitter)) {
    return {
      ok: false,
      code: 'self_approval_forbidden',
      message: `${candidate.name} submitted this action and may not decide on it`,
    };
  }
  if (status.approvals.some((approval) => identityKey(approval.by) === key)) {
    return { ok: false, code: 'already_approved', message: `${candidate.name} has already approved this action` };
  }
  if (!admits(input.requirement, status.escalation.step, candidate)) {
    const who_may = waitingFor(input.requirement, status.escalation.step, excludedKeys(input, status.approvals));
    return {
      ok: false,
      code: 'not_an_approver',
      message: `${candidate.name} may not decide on this action; waiting for ${describeWaitingFor(who_may)}`,
      who_may,
    };
  }
  return { ok: true, code: 'ok' };
}

/**
 * Records `candidate`'s approval or denial at `now_ms` if they may decide. Each distinct identity
 * counts once; the Nth distinct approval approves; any single deny by an allowed approver denies.
 */
export function recordDecision(
  input: QuorumInput,
  candidate: ApproverPrincipal,
  choice: { approve: boolean; reason: string | null },
  now_ms: number,
): RecordOutcome {
  const allowed = mayDecide(input, candidate, now_ms);
  if (!allowed.ok) return { ok: false, refusal: allowed };
  const decision: RecordedDecision = {
    by: candidate.name,
    approve: choice.approve,
    at_ms: now_ms,
    reason: choice.reason,
  };
  const status = quorumStatus({ ...input, decisions: [...input.decisions, decision] }, now_ms);
  const outcome = status.state === 'denied' ? 'denied' : status.state === 'approved' ? 'approved' : 'partial';
  return { ok: true, outcome, decision, status };
}

/** "finance, group:sre"-style text for messages; "any approver" when the rule names none. */
export function describeWaitingFor(who: WaitingFor): string {
  return who.any_approver ? 'any approver' : who.approvers.join(', ');
}

function tallyDecisions(input: QuorumInput): { approvals: RecordedDecision[]; denial: RecordedDecision | null } {
  const submitter = input.submitter_may_decide || input.submitter === null ? null : identityKey(input.submitter);
  const seen = new Set<string>();
  const approvals: RecordedDecision[] = [];
  for (const decision of input.decisions) {
    const key = identityKey(decision.by);
    // Decisions past the final one, and the submitter's between named identities, never count.
    if (key === submitter || approvals.length >= input.requirement.approvals) continue;
    if (!decision.approve) return { approvals, denial: decision };
    if (seen.has(key)) continue;
    seen.add(key);
    approvals.push(decision);
  }
  return { approvals, denial: null };
}

function refsInEffect(requirement: ApprovalRequirement, step: number): string[] | null {
  if (requirement.approvers === null) return null;
  const refs = [...requirement.approvers];
  for (const reached of requirement.escalate.slice(0, step)) {
    for (const ref of reached.approvers) if (!refs.includes(ref)) refs.push(ref);
  }
  return refs;
}

function admits(requirement: ApprovalRequirement, step: number, candidate: ApproverPrincipal): boolean {
  const refs = refsInEffect(requirement, step);
  return refs === null || setAdmits(expandRefs(refs, requirement.groups), candidate);
}

function excludedKeys(input: QuorumInput, approvals: readonly RecordedDecision[]): Set<string> {
  const keys = new Set(approvals.map((approval) => identityKey(approval.by)));
  if (!input.submitter_may_decide && input.submitter !== null) keys.add(identityKey(input.submitter));
  return keys;
}

function waitingFor(requirement: ApprovalRequirement, step: number, excluded: ReadonlySet<string>): WaitingFor {
  const refs = refsInEffect(requirement, step);
  if (refs === null) return { any_approver: true, approvers: [], identities: [], runtime_groups: [] };
  const set = expandRefs(refs, requirement.groups);
  return {
    any_approver: false,
    approvers: refs,
    identities: [...set.identities].filter(([key]) => !excluded.has(key)).map(([, name]) => name),
    runtime_groups: [...set.runtimeGroups],
  };
}

// Everyone who could still approve once every step has fired; unbounded when the set is open.
function stillPossible(requirement: ApprovalRequirement, excluded: ReadonlySet<string>): number {
  const refs = refsInEffect(requirement, requirement.escalate.length);
  if (refs === null) return Number.POSITIVE_INFINITY;
  const set = expandRefs(refs, requirement.groups);
  if (set.runtimeGroups.size > 0) return Number.POSITIVE_INFINITY;
  return [...set.identities.keys()].filter((key) => !excluded.has(key)).length;
}

function nobody(): WaitingFor {
  return { any_approver: false, approvers: [], identities: [], runtime_groups: [] };
}
