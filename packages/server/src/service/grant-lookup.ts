import { type GrantCandidateCall, grantCovers } from '@faramesh/policy';
import type { GrantRecord, NewAction, Store } from '@faramesh/store';
import { termsOf } from './grant-terms.js';

/** Live grants of one tool and operation read per submission; more are not considered (oldest first). */
export const MAX_GRANT_CANDIDATES = 50;

/**
 * The submit path's side of standing grants: which live grants would allow a call the policy sends
 * to approval (the rules are `grantCovers` in the policy engine), and the action such a grant makes.
 * Only calls decided `require_approval` ever reach it, so allow and deny pay nothing.
 */
export class GrantLookup {
  constructor(private readonly store: Store) {}

  /** Live grants that cover the call at `at`, in the order they should be tried (oldest first). */
  async covering(call: GrantCandidateCall, at: Date): Promise<GrantRecord[]> {
    if (call.verdict.decision !== 'require_approval') return [];
    const { tool, operation } = call.action;
    const live = await this.store.grants.live(tool, operation, at.toISOString(), MAX_GRANT_CANDIDATES);
    return live.filter((grant) => {
      const terms = termsOf(grant);
      return terms !== null && grantCovers(terms, call, at.getTime()).covered;
    });
  }
}

/**
 * The action a grant allows: `allowed` with reason_code `grant`, the grant's id, and a reason naming
 * the grant and the policy's own reason (the risk and matched rule stay the policy's).
 */
export function allowedByGrant(pending: NewAction, grant: GrantRecord): NewAction {
  const { approval: _pendingState, ...decided } = pending;
  const makers = grant.creators.map((c) => String(c.name)).join(', ');
  const policyReason = pending.reason === null ? '' : ` (policy: ${pending.reason})`;
  return {
    ...decided,
    status: 'allowed',
    decision: 'allow',
    reason: `Allowed by standing grant ${grant.id.slice(0, 8)} from ${makers}${policyReason}`,
    reason_code: 'grant',
    approval_token: null,
    approval_expires_at: null,
    grant_id: grant.id,
  };
}
