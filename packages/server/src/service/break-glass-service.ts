import type { AcknowledgeReviewRequest, BreakGlassRequest, JsonObject } from '@faramesh/contract';
import { type BreakGlassActor, type BreakGlassVerdict, mayAcknowledge, mayBreakGlass } from '@faramesh/policy';
import type { ActionRecord, ApprovalState, BreakGlassRecord } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import { approvalExpiredError, approvedDeadline } from './approval-expiry.js';
import type { ApprovalServiceDeps } from './approval-service.js';
import { approvalStateOf } from './approval-state.js';
import { quorumSnapshot } from './break-glass-wire.js';
import { assertRequestBinding } from './request-binding.js';
import { retryOnConflict } from './retry-on-conflict.js';

/** The same collaborators as approvals: the store, the lifecycle service, metrics, the clock. */
export type BreakGlassServiceDeps = ApprovalServiceDeps;

/**
 * Break-glass: an admin force-approves a pending action past its approvers and quorum, with a
 * reason, and a review opens that another approver must acknowledge. Who may do either is the pure
 * rules' call (`@faramesh/policy` break-glass-rules); request binding and the lifecycle table still
 * apply. Both steps are one compare-and-set of the action's approval state with their ledger event
 * (`approved` with `break_glass: true`, then `break_glass_reviewed`), so they are as durable, as
 * replicated and as audited as any other decision.
 */
export class BreakGlassService {
  constructor(private readonly deps: BreakGlassServiceDeps) {}

  async breakGlass(id: string, body: BreakGlassRequest, principal: Principal): Promise<ActionRecord> {
    return this.retrying(id, principal, (record) => this.breakOnce(record, body, principal));
  }

  async acknowledge(id: string, body: AcknowledgeReviewRequest | null, principal: Principal): Promise<ActionRecord> {
    return this.retrying(id, principal, (record) => this.acknowledgeOnce(record, body?.note ?? null, principal));
  }

  /** Actions approved by breaking glass, newest first; with `review`, only reviews in that state. */
  async list(review: 'open' | 'acknowledged' | null, limit: number, principal: Principal): Promise<ActionRecord[]> {
    if (!can(principal.role, 'action:read_all')) {
      throw new ApiError('forbidden', `role "${principal.role}" may not read reviews`);
    }
    return this.deps.store.listBreakGlass({ limit, ...(review !== null && { review }) });
  }

  private async breakOnce(initial: ActionRecord, body: BreakGlassRequest, principal: Principal) {
    const { actions } = this.deps;
    const verdict = mayBreakGlass(actorOf(principal), initial.submitted_by, body.reason);
    // The same details as an ordinary approval's refusal (docs/api.md): who submitted it.
    refuseUnless(verdict, { submitted_by: initial.submitted_by });
    const record = await actions.expireIfDue(initial);
    if (record.status === 'expired') throw approvalExpiredError(record);
    const next = actions.assertMove(record, 'approve');
    assertRequestBinding(record, body.request_hash);
    const state = approvalStateOf(record) as ApprovalState;
    const at = this.deps.now().toISOString();
    const reason = (body.reason as string).trim();
    const glass: BreakGlassRecord = {
      by: principal.name,
      role: principal.role,
      at,
      reason,
      same_identity: verdict.ok && verdict.same_identity,
      review: { status: 'open', acknowledged_by: null, acknowledged_at: null, note: null, same_identity: false },
    };
    const meta: JsonObject = {
      by: principal.name,
      role: principal.role,
      reason,
      break_glass: true,
      // What was bypassed: the quorum as it stood when the glass was broken.
      bypassed: quorumSnapshot(record, state, at),
      ...(glass.same_identity && { self_approval: true }),
    };
    const updated = await actions.commit(
      record,
      {
        status: next,
        approval: { ...state, break_glass: glass },
        approval_token: null,
        approval_expires_at: approvedDeadline(at, this.deps.approvedTtlSeconds),
        approval_decided_by: principal.name,
        approval_decided_at: at,
        approval_reason: reason,
      },
      [actions.event('approved', meta)],
      at,
    );
    this.deps.metrics.breakGlass.inc();
    return updated;
  }

  private async acknowledgeOnce(record: ActionRecord, note: string | null, principal: Principal) {
    const { actions } = this.deps;
    const state = record.approval;
    const glass = state?.break_glass;
    if (state === undefined || glass === undefined) {
      throw new ApiError('review_not_found', `action ${record.id} was not approved by breaking glass`);
    }
    const verdict = mayAcknowledge(actorOf(principal), {
      broken_by: glass.by,
      submitted_by: record.submitted_by,
      acknowledged_by: glass.review.acknowledged_by,
    });
    refuseUnless(verdict, {
      acknowledged_by: glass.review.acknowledged_by,
      acknowledged_at: glass.review.acknowledged_at,
    });
    const at = this.deps.now().toISOString();
    const same = verdict.ok && verdict.same_identity;
    const review = {
      status: 'acknowledged' as const,
      acknowledged_by: principal.name,
      acknowledged_at: at,
      note,
      same_identity: same,
    };
    const meta: JsonObject = {
      by: principal.name,
      role: principal.role,
      note,
      broken_by: glass.by,
      ...(same && { same_identity: true }),
    };
    const updated = await actions.commit(
      record,
      { approval: { ...state, break_glass: { ...glass, review } } },
      [actions.event('break_glass_reviewed', meta)],
      at,
    );
    this.deps.metrics.breakGlassReviews.inc();
    return updated;
  }

  private async retrying(id: string, principal: Principal, apply: (record: ActionRecord) => Promise<ActionRecord>) {
    return retryOnConflict(() => this.deps.actions.getExact(id, principal), apply);
  }
}

function actorOf(principal: Principal): BreakGlassActor {
  return { name: principal.name, role: principal.role, shared: principal.shared === true };
}

/** Codes whose refusals carry `details` (docs/api.md): the others have none. */
const WITH_DETAILS = new Set(['review_already_acknowledged', 'self_approval_forbidden']);

/** Throws the contract error of a refusal, with `details` for the codes that document them. */
function refuseUnless(verdict: BreakGlassVerdict, details: JsonObject | null = null): void {
  if (verdict.ok) return;
  throw new ApiError(verdict.code, verdict.message, WITH_DETAILS.has(verdict.code) ? details : null);
}
