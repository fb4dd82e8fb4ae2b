import type {
  CancelRequest,
  Command,
  JsonObject,
  ListActionsQuery,
  ResultRequest,
  Status,
  SubmitActionRequest,
} from '@faramesh/contract';
import type { ActionPatch, ActionRecord, EventRecord, GrantChange, NewAction, NewEvent } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { cancelAction } from './action-cancel.js';
import { commitChange, newEvent } from './action-commit.js';
import { expireDue, expireIfDue } from './action-expiry.js';
import { getExact, getReadable } from './action-lookup.js';
import { replayAction } from './action-replay.js';
import type { ActionServiceDeps } from './action-service-deps.js';
import { submitAction } from './action-submission.js';
import { reportResult, startExecution } from './execution-report.js';
import { toListInput, toPage } from './list-input.js';
import { recordServerAction } from './server-recorded-action.js';
import { assertMove } from './transition-check.js';
import { waitForChange } from './wait-for-change.js';

export type { ActionServiceDeps } from './action-service-deps.js';

/**
 * The action lifecycle: submission (policy decision), execution reports, cancellation and expiry (of
 * pending approvals and of approvals never started); approvals and escalation live in
 * ApprovalService, which writes through `commit`. Every
 * change is one compare-and-set store transition carrying its ledger events, published to the hub
 * only after it committed. Moves not in the contract's transition table are refused here.
 *
 * Each step lives in its own file (action-submission.ts, execution-report.ts, action-cancel.ts, …);
 * this class is the one surface the routes and the other services hold. Its methods return the
 * steps' promises unwrapped: an async wrapper would add ticks to the submit path.
 */
export class ActionService {
  constructor(private readonly deps: ActionServiceDeps) {}

  submit(
    request: SubmitActionRequest,
    principal: Principal,
    idempotencyKey: string | null,
  ): Promise<{ record: ActionRecord; created: boolean }> {
    return submitAction(this.deps, request, principal, idempotencyKey);
  }

  /** Resolves a full id or a unique prefix to an action the principal may read. */
  get(idOrPrefix: string, principal: Principal): Promise<ActionRecord> {
    return getReadable(this.deps, idOrPrefix, principal);
  }

  /** A full-UUID lookup for state changes (no prefixes: a prefix must never pick what gets approved). */
  getExact(id: string, principal: Principal): Promise<ActionRecord> {
    return getExact(this.deps, id, principal);
  }

  async list(query: ListActionsQuery, principal: Principal) {
    const input = toListInput(query, principal);
    return toPage(input, await this.deps.store.listActions(input));
  }

  async events(idOrPrefix: string, principal: Principal): Promise<EventRecord[]> {
    const record = await this.get(idOrPrefix, principal);
    return this.deps.store.listEvents(record.id);
  }

  start(id: string, principal: Principal): Promise<ActionRecord> {
    return startExecution(this.deps, id, principal);
  }

  /** Records how execution ended; from allowed/approved it records the implied start as well. */
  result(id: string, body: ResultRequest, principal: Principal): Promise<ActionRecord> {
    return reportResult(this.deps, id, body, principal);
  }

  /** Withdraws an action that has not started; only its submitter or an admin may. */
  cancel(id: string, body: CancelRequest | null, principal: Principal): Promise<ActionRecord> {
    return cancelAction(this.deps, id, body, principal);
  }

  /** Submits the same request again, decided by the current policy. */
  replay(id: string, principal: Principal): Promise<ActionRecord> {
    return replayAction(this.deps, id, principal);
  }

  /**
   * Expires every pending approval whose window has closed and every approval that lapsed before
   * execution started; returns how many this call expired (another replica may take some first).
   */
  expireDue(): Promise<number> {
    return expireDue(this.deps);
  }

  /**
   * Resolves as soon as the action leaves pending_approval (or changes past `afterVersion`: approval
   * progress), or after timeoutMs with its current state. Subscribes before reading, so a decision
   * between the two can't be missed.
   */
  async waitForDecision(
    idOrPrefix: string,
    principal: Principal,
    timeoutMs: number,
    signal: AbortSignal,
    afterVersion?: number,
  ) {
    const initial = await this.get(idOrPrefix, principal);
    const moved = afterVersion !== undefined && initial.version > afterVersion;
    if (initial.status !== 'pending_approval' || moved || timeoutMs === 0) return initial;
    return waitForChange(this.deps.store, this.deps.hub, initial, timeoutMs, signal, afterVersion);
  }

  /** Expires `record` first if its deadline has passed; answers the action as it is now. */
  expireIfDue(record: ActionRecord): Promise<ActionRecord> {
    return expireIfDue(this.deps, record);
  }

  /** The status `command` moves `record` to; 409 `invalid_transition` when the table doesn't allow it. */
  assertMove(record: ActionRecord, command: Command): Status {
    return assertMove(record, command);
  }

  /**
   * One compare-and-set write of `patch` with its events, published once committed; `grant` is a
   * standing grant made, revoked or expired in the same transaction.
   */
  commit(record: ActionRecord, patch: ActionPatch, events: NewEvent[], at: string, grant?: GrantChange) {
    return commitChange(this.deps, record, patch, events, at, grant);
  }

  /**
   * Writes an action the server records of itself (an administrative act with ledger events but no
   * agent's request), stamped with the active policy, published once committed.
   */
  record(action: Omit<NewAction, 'policy_version' | 'policy_hash'>, events: NewEvent[]): Promise<ActionRecord> {
    return recordServerAction(this.deps, action, events);
  }

  event(type: string, meta: JsonObject): NewEvent {
    return newEvent(this.deps, type, meta);
  }
}
