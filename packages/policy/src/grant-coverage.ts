import { type QuorumInput, recordDecision } from './approval-quorum.js';
import { type ApprovalRequirement, DEFAULT_REQUIREMENT } from './approval-requirement.js';
import { matchGrantScope } from './grant-match.js';
import type { GrantScope } from './grant-scope.js';
import type { ActionInput, Evaluation } from './types.js';

/** One approver who made a grant, as authenticated when they made it. */
export interface GrantCreator {
  name: string;
  groups: readonly string[];
  /** Whether their role lets them make grants that cover high-risk calls (the server's call). */
  may_grant_high_risk: boolean;
}

/** The terms of a standing grant that decide what it covers (time and uses are the store's). */
export interface GrantTerms {
  scope: GrantScope;
  /** The grant explicitly covers high-risk calls too. */
  high_risk: boolean;
  /** Everyone whose approval made the grant, in the order they approved. */
  creators: readonly GrantCreator[];
}

/** A call as the server has just decided it: what was asked, by whom, and the policy's verdict. */
export interface GrantCandidateCall {
  action: ActionInput;
  verdict: Evaluation;
  /** The submitter's identity; null when no identity submitted (open mode). */
  submitter: string | null;
  /** The submitter is a shared identity (one token for all), so it may count as its own approver. */
  submitter_may_decide: boolean;
}

export type GrantRefusal = 'not_require_approval' | 'limit' | 'high_risk' | 'approvers' | 'scope';

export type Coverage = { covered: true } | { covered: false; refusal: GrantRefusal; why: string };

/**
 * Whether a grant turns this call's `require_approval` into an allow. Never over `deny` (nor for an
 * allow, which needs no grant), nor over a limit the call exceeds; a high-risk call only when the grant says `high_risk` and every
 * creator may grant high risk; and the creators must satisfy the rule's own approval requirement
 * exactly as if each had approved this call now: the named approvers, the number of distinct
 * approvals, and never the submitter between named identities. Then the scope must hold.
 */
export function grantCovers(terms: GrantTerms, call: GrantCandidateCall, nowMs: number): Coverage {
  const { verdict } = call;
  if (verdict.decision !== 'require_approval') {
    return refuse('not_require_approval', `the policy decided ${verdict.decision}; grants only replace approvals`);
  }
  // A limit bounds what passes without a person as it happens: a grant never lifts it. (Within the
  // limit a granted call still counts: the server writes it through the limit's gate.)
  if (verdict.limit?.reached === true) {
    return refuse('limit', `the call is over its rule's limit (${verdict.limit.text}); grants never lift a limit`);
  }
  if (verdict.risk_level === 'high') {
    if (!terms.high_risk) return refuse('high_risk', 'the call is high risk and the grant does not cover high risk');
    const unable = terms.creators.find((creator) => !creator.may_grant_high_risk);
    if (unable !== undefined) return refuse('high_risk', `${unable.name} may not grant high-risk calls`);
  }
  const approvers = approversFor(terms, call, nowMs);
  if (approvers !== null) return refuse('approvers', approvers);
  const scope = matchGrantScope(terms.scope, call.action);
  return scope.ok ? { covered: true } : refuse('scope', scope.why);
}

/** Submitters remembered per grant: past this many, the memo starts again (bounded, see below). */
const MAX_MEMO_SUBMITTERS = 256;

interface ApproversMemo {
  requirement: ApprovalRequirement;
  bySubmitter: Map<string, string | null>;
}

// Whether a grant's creators complete a rule's quorum depends on the rule's requirement (the same
// object for every decision of one loaded policy), the submitter and the creators, not on the time:
// the quorum is checked as if it had been opened at this instant. So it is worked out once per grant
// (weakly held, like its compiled scope) and requirement, and per submitter.
const approversMemos = new WeakMap<GrantTerms, ApproversMemo>();

function approversFor(terms: GrantTerms, call: GrantCandidateCall, nowMs: number): string | null {
  const requirement = call.verdict.approval ?? DEFAULT_REQUIREMENT;
  let memo = approversMemos.get(terms);
  if (memo === undefined || memo.requirement !== requirement || memo.bySubmitter.size >= MAX_MEMO_SUBMITTERS) {
    memo = { requirement, bySubmitter: new Map() };
    approversMemos.set(terms, memo);
  }
  const submitter = call.submitter === null ? '-' : `${call.submitter_may_decide ? 's' : 'n'}${call.submitter}`;
  const known = memo.bySubmitter.get(submitter);
  if (known !== undefined) return known;
  const why = approversSuffice(terms.creators, call, nowMs);
  memo.bySubmitter.set(submitter, why);
  return why;
}

/** Null when the creators, approving in order now, would complete the rule's quorum; else why not. */
function approversSuffice(creators: readonly GrantCreator[], call: GrantCandidateCall, nowMs: number): string | null {
  let input: QuorumInput = {
    requirement: call.verdict.approval ?? DEFAULT_REQUIREMENT,
    submitter: call.submitter,
    pending_since_ms: nowMs,
    expires_at_ms: null,
    decisions: [],
    submitter_may_decide: call.submitter_may_decide,
  };
  for (const creator of creators) {
    const outcome = recordDecision(input, creator, { approve: true, reason: null }, nowMs);
    if (!outcome.ok) return outcome.refusal.message;
    if (outcome.outcome === 'approved') return null;
    input = { ...input, decisions: [...input.decisions, outcome.decision] };
  }
  const needed = input.requirement.approvals;
  return `the rule needs ${needed} approval${needed === 1 ? '' : 's'}; the grant was made by ${creators.length}`;
}

function refuse(refusal: GrantRefusal, why: string): Coverage {
  return { covered: false, refusal, why };
}
