import type { JsonObject } from '@faramesh/contract';
import { dueEscalations, quorumStatus } from '@faramesh/policy';
import { type ActionRecord, type ApprovalState, type Store, StoreError } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import type { ActionService } from './action-service.js';
import { approvalStateOf, nextEscalationAt, quorumInputOf, requirementOf } from './approval-state.js';
import { waitingForWire } from './approval-wire.js';

export interface EscalationSweeperDeps {
  store: Store;
  actions: ActionService;
  now: () => Date;
}

/** Pending actions examined per sweep; the rest wait for the next sweep (a second later). */
const SWEEP_BATCH = 200;

/**
 * Fires the escalation steps whose time has come, without anyone touching the action: each sweep
 * lists pending actions whose next step is due, asks `dueEscalations` which steps those are, and
 * records them (one `escalated` event per step) with the new count of fired steps in one
 * compare-and-set. Every replica sweeps; the compare-and-set lets exactly one record each step,
 * the others find the action changed and move on. `notify` targets are recorded in the event for
 * the notification channels; nothing is delivered from here.
 */
export class EscalationSweeper {
  constructor(private readonly deps: EscalationSweeperDeps) {}

  /** Records every due step; returns how many steps this call recorded. */
  async sweep(): Promise<number> {
    const now = this.deps.now();
    let fired = 0;
    for (const record of await this.deps.store.listDueEscalations(now.toISOString(), SWEEP_BATCH)) {
      try {
        fired += await this.escalate(record, now);
      } catch (error) {
        // Another replica (or a decision, a cancel, an expiry) changed it first: nothing to record here.
        const lost = error instanceof StoreError && error.code === 'version_conflict';
        if (!lost && !(error instanceof ApiError)) throw error;
      }
    }
    return fired;
  }

  private async escalate(record: ActionRecord, now: Date): Promise<number> {
    const state = approvalStateOf(record) as ApprovalState;
    const deadline = record.approval_expires_at === null ? null : Date.parse(record.approval_expires_at);
    // A closed window is the expiry sweep's: an action that can no longer be decided doesn't escalate.
    if (deadline !== null && now.getTime() >= deadline) return 0;
    const requirement = requirementOf(state);
    const since = Date.parse(record.created_at);
    const { due, next_at_ms } = dueEscalations(requirement, since, state.escalations_fired, now.getTime());
    if (due.length === 0) return 0;
    const input = quorumInputOf(record, state, state.submitter_shared);
    const events = due.map((step) => {
      // Who may decide from this step on, as the quorum rules see it at the step's own time.
      const status = quorumStatus(input, step.fires_at_ms);
      const meta: JsonObject = {
        step: step.index + 1,
        steps: requirement.escalate.length,
        fires_at: new Date(step.fires_at_ms).toISOString(),
        approvers: [...step.approvers],
        notify: [...step.notify],
        waiting_for: { ...waitingForWire(status.waiting_for) },
        approvals: status.approvals.map((vote) => vote.by),
        approvals_required: status.approvals_required,
      };
      return this.deps.actions.event('escalated', meta);
    });
    const approval: ApprovalState = {
      ...state,
      escalations_fired: due.at(-1)!.index + 1,
      next_escalation_at: nextEscalationAt(next_at_ms, deadline),
    };
    await this.deps.actions.commit(record, { approval }, events, now.toISOString());
    return due.length;
  }
}
