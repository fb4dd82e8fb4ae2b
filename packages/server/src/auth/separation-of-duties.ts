import { ApiError } from '../http/api-error.js';
import type { Principal } from './authenticator.js';

/**
 * Whether `principal` deciding on an action submitted by `submittedBy` is a self-approval, and if so
 * whether it may: `'other'` (not the submitter), `'shared'` (the submitter, but a shared identity),
 * `'forbidden'`. Separation of duties needs distinct identities: a named identity (FARAMESH_TOKENS,
 * whatever its role, admins included) never decides its own action; a shared identity (a
 * FARAMESH_TOKEN token, as the seeds use one for agent, CLI and UI alike) can't be separated from
 * itself, so it may, and the decision is recorded as a self-approval.
 */
export function selfDecision(submittedBy: string | null, principal: Principal): 'other' | 'shared' | 'forbidden' {
  if (principal.openMode || submittedBy === null || submittedBy !== principal.name) return 'other';
  return principal.shared === true ? 'shared' : 'forbidden';
}

/** `selfDecision` that throws 403 `self_approval_forbidden` when it is forbidden; true for a shared self-approval. */
export function isSelfDecision(submittedBy: string | null, principal: Principal): boolean {
  const self = selfDecision(submittedBy, principal);
  if (self === 'forbidden') {
    throw new ApiError('self_approval_forbidden', 'the submitter of an action may not decide on it', {
      submitted_by: submittedBy,
    });
  }
  return self === 'shared';
}

/**
 * The approval rules' `submitter_may_decide` for `principal` deciding now: true when it is the
 * submitter and a shared identity; otherwise whether the submitter was a shared identity when it
 * submitted (recorded with the action), so a shared submitter's own earlier approval still counts.
 */
export function submitterMayDecide(
  submittedBy: string | null,
  principal: Principal,
  submitterShared: boolean,
): boolean {
  const self = selfDecision(submittedBy, principal);
  return self === 'other' ? submitterShared : self === 'shared';
}
