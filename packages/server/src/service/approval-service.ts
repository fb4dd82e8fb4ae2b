import type { ApprovalRequest, Command, JsonObject } from '@faramesh/contract';
import { type RecordOutcome, recordDecision } from '@faramesh/policy';
import type { ActionPatch, ActionRecord, ApprovalState, Store } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { isSelfDecision, submitterMayDecide } from '../auth/separation-of-duties.js';
import { ApiError } from '../http/api-error.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ActionService } from './action-service.js';
import { approvalExpiredError, approvedDeadline } from './approval-expiry.js';
import { approvalStateOf, quorumInputOf, toStored } from './approval-state.js';
import { approvalTokenMatches } from './approval-token.js';
import { waitingForWire } from './approval-wire.js';
import type { GrantService } from './grant-service.js';
import { assertRequestBinding } from './request-binding.js';
import { retryOnConflict } from './retry-on-conflict.js';

export interface ApprovalServiceDeps {
  store: Store;
  actions: ActionService;
  metrics: Metrics;
  now: () => Date;
  /** How long an approval stays valid for starting execution; 0 = never lapses. */
  approvedTtlSeconds: number;
  /** Standing grants asked for with approvals (absent: a `grant` in an approval is refused). */
  grants?: GrantService;
}

/**
 * Orchestrates approvals: reads the action's stored approval state, asks the pure quorum rules of
 * `@faramesh/policy` whether this principal may decide and what their decision leads to, and
 * writes the answer as one compare-and-set (a partial approval, or the final move to approved /
 * denied, in the same transaction as its event). It decides nothing itself.
 */
export class ApprovalService {
  constructor(private readonly deps: ApprovalServiceDeps) {}

  /**
   * Approves or denies with the action's approval token (bound to its request_hash). Each distinct
   * identity decides once; the last approval the rule requires moves the action to approved, any
   * allowed deny denies, and earlier approvals are recorded (`approval_recorded`) while it stays pending.
   */
  async decide(id: string, body: ApprovalRequest, principal: Principal, via?: JsonObject): Promise<ActionRecord> {
    if (!can(principal.role, 'action:decide')) {
      throw new ApiError('forbidden', `role "${principal.role}" may not approve or deny actions`);
    }
    const { actions } = this.deps;
    return retryOnConflict(
      () => actions.getExact(id, principal),
      (record) => this.decideOnce(record, body, principal, via),
    );
  }

  private async decideOnce(initial: ActionRecord, body: ApprovalRequest, principal: Principal, via?: JsonObject) {
    const { actions } = this.deps;
    const record = await actions.expireIfDue(initial);
    if (record.status === 'expired') throw approvalExpiredError(record);
    const command: Command = body.approve ? 'approve' : 'deny';
    actions.assertMove(record, command);
    assertTokenFor(record, body);
    const selfApproval = isSelfDecision(record.submitted_by, principal);
    const state = approvalStateOf(record) as ApprovalState;
    const mayDecideOwn = submitterMayDecide(record.submitted_by, principal, state.submitter_shared);
    const now = this.deps.now();
    const reason = body.reason ?? null;
    const outcome = recordDecision(
      quorumInputOf(record, state, mayDecideOwn),
      principal,
      { approve: body.approve, reason },
      now.getTime(),
    );
    if (!outcome.ok) throw refusalError(outcome.refusal, record);
    const endorsement = this.endorsement(record, body, principal);
    const at = now.toISOString();
    const decision = { ...toStored(outcome.decision), ...(endorsement !== null && { grant: endorsement }) };
    const approval: ApprovalState = { ...state, decisions: [...state.decisions, decision] };
    const meta: JsonObject = {
      by: principal.name,
      role: principal.role,
      reason,
      ...progressMeta(outcome),
      ...(selfApproval && { self_approval: true }),
      // Where the decision was made when not through the API itself (e.g. a Slack button), for the audit.
      ...(via !== undefined && { via }),
    };
    if (outcome.outcome === 'partial') {
      return actions.commit(record, { approval }, [actions.event('approval_recorded', meta)], at);
    }
    const final: ActionPatch = {
      status: actions.assertMove(record, command),
      approval,
      approval_token: null,
      // From here on the deadline is the approval's own: it lapses unless execution starts in time.
      approval_expires_at: command === 'approve' ? approvedDeadline(at, this.deps.approvedTtlSeconds) : null,
      approval_decided_by: principal.name,
      approval_decided_at: at,
      approval_reason: reason,
    };
    // A grant asked for with the approval that completes the quorum is made in the same transaction.
    const grant =
      outcome.outcome === 'approved'
        ? (this.deps.grants?.onApproved(record, approval, outcome.status.approvals, endorsement, at) ?? null)
        : null;
    // Earlier approvers asked for a grant the last one didn't: approved without it, and said so.
    const unmade =
      outcome.outcome === 'approved' && endorsement === null
        ? (this.deps.grants?.askedWithoutGrant(approval, outcome.status.approvals) ?? [])
        : [];
    const events = [
      actions.event(
        outcome.outcome,
        unmade.length === 0
          ? meta
          : { ...meta, grant_not_made: { asked_by: unmade, why: `${principal.name} approved without asking for it` } },
      ),
    ];
    if (grant !== null) events.push(actions.event('grant_created', grant.meta));
    const updated = await actions.commit(record, final, events, at, grant?.change);
    this.deps.metrics.decisionLatency.observe(
      { outcome: outcome.outcome },
      (Date.parse(at) - Date.parse(record.created_at)) / 1000,
    );
    return updated;
  }

  /** The approver's `grant`, checked and ready to store with their decision; null without one. */
  private endorsement(record: ActionRecord, body: ApprovalRequest, principal: Principal): JsonObject | null {
    if (body.grant === undefined) return null;
    const { grants } = this.deps;
    if (grants === undefined) throw new ApiError('grant_invalid', 'standing grants are not available on this server');
    return grants.endorse(record, body.grant, principal, body.approve);
  }
}

/** The approval token must match (constant time) and the action must still be the request it was issued for. */
function assertTokenFor(record: ActionRecord, body: ApprovalRequest): void {
  if (!approvalTokenMatches(record.approval_token, body.token)) {
    throw new ApiError('approval_token_invalid', 'the approval token does not match this action');
  }
  assertRequestBinding(record, body.request_hash);
}

/** Where the quorum stands after this decision, for the event's meta. */
function progressMeta(outcome: Extract<RecordOutcome, { ok: true }>): JsonObject {
  const { status } = outcome;
  return {
    approvals: status.approvals.map((vote) => vote.by),
    approvals_required: status.approvals_required,
    remaining: status.remaining,
    ...(outcome.outcome === 'partial' && { waiting_for: { ...waitingForWire(status.waiting_for) } }),
  };
}

/** A refusal of the quorum rules as the contract's error. */
function refusalError(refusal: Extract<RecordOutcome, { ok: false }>['refusal'], record: ActionRecord): ApiError {
  switch (refusal.code) {
    case 'not_an_approver':
      return new ApiError('not_an_approver', refusal.message, { who_may: waitingForWire(refusal.who_may) });
    case 'self_approval_forbidden':
      return new ApiError('self_approval_forbidden', refusal.message, { submitted_by: record.submitted_by });
    case 'already_approved':
      return new ApiError('already_approved', refusal.message, { status: record.status });
    case 'expired':
      return approvalExpiredError(record);
    case 'already_decided':
      return new ApiError('invalid_transition', refusal.message, { status: record.status });
  }
}
