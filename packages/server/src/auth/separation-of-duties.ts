import { ApiError } from '../http/api-error.js';
import type { Principal } from './authenticator.js';

/**
 * Whether `principal` deciding on an action submitted by `submittedBy` is a self-approval, throwing
 * when that is forbidden. Separation of duties needs distinct identities: a named identity
 * (FARAMESH_TOKENS, whatever its role, admins included) never decides its own action; a shared
 * identity (a FARAMESH_TOKEN token, as the seeds use one for agent, CLI and UI alike) can't be
 * separated from itself, so it may, and the decision is recorded as a self-approval.
 */
export function isSelfDecision(submittedBy: string | null, principal: Principal): boolean {
  if (principal.openMode || submittedBy === null || submittedBy !== principal.name) return false;
  if (principal.shared !== true) {
    throw new ApiError('self_approval_forbidden', 'the submitter of an action may not decide on it', {
      submitted_by: submittedBy,
    });
  }
  return true;
}
