import {
  type CancelRequest,
  COMMAND_EVENTS,
  type Command,
  type JsonObject,
  type ListActionsQuery,
  nextStatus,
  type ResultRequest,
  type Status,
  type SubmitActionRequest,
  TRANSITIONS,
} from '@faramesh/contract';
import { evaluate } from '@faramesh/policy';
import {
  type ActionPatch,
  type ActionRecord,
  type CreateActionInput,
  type EventRecord,
  type GrantChange,
  type NewAction,
  type NewEvent,
  type Store,
  StoreError,
} from '@faramesh/store';
import { assertMayActAs } from '../auth/agent-binding.js';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { policyPrincipal } from '../auth/policy-principal.js';
import { ApiError } from '../http/api-error.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Notifications } from '../notify/notifications.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import type { RedactionKey } from '../redaction/redaction-key.js';
import { storedRequest } from '../redaction/stored-request.js';
import { limitGate, type SubmissionWrite } from '../rule-limits/limit-gate.js';
import type { ShadowPolicy } from '../shadow/shadow-policy.js';
import type { EventHub } from '../stream/event-hub.js';
import { approvalExpiredError, dueExpiry, expiryMeta } from './approval-expiry.js';
import { newApprovalToken } from './approval-token.js';
import type { GrantLookup } from './grant-lookup.js';
import { resolveActionId } from './id-resolution.js';
import { toListInput, toPage } from './list-input.js';
import { type NewActionFacts, normalizeRequest } from './new-action.js';
import { requestHash } from './request-hash.js';
import { submissionWriter } from './submission-write.js';
import { waitForChange } from './wait-for-change.js';

export interface ActionServiceDeps {
  store: Store;
  policy: PolicyHolder;
  hub: EventHub;
  metrics: Metrics;
  now: () => Date;
  newId: () => string;
  approvalTtlSeconds: number;
  /** How long an approval stays valid for starting execution; 0 = never lapses. */
  approvedTtlSeconds: number;
  /** Queues the notifications each write causes, in the write's transaction (absent: none). */
  notifications?: Notifications;
  /** The candidate policy evaluated beside the active one; its disagreements are stored with the action. */
  shadow?: ShadowPolicy;
  /** Digests values at the policy's `redact` paths before anything is stored (absent: no key). */
  redactionKey?: RedactionKey | null;
  /** Standing grants that may allow a call the policy sends to approval (absent: none). */
  grants?: GrantLookup;
}

/**
 * The action lifecycle: submission (policy decision), execution reports, cancellation and expiry (of
 * pending approvals and of approvals never started); approvals and escalation live in
 * ApprovalService, which writes through `commit`. Every
 * change is one compare-and-set store transition carrying its ledger events, published to the hub
 * only after it committed. Moves not in the contract's transition table are refused here.
 */
export class ActionService {
  constructor(private readonly deps: ActionServiceDeps) {}

  async submit(
    request: SubmitActionRequest,
    principal: Principal,
    idempotencyKey: string | null,
  ): Promise<{ record: ActionRecord; created: boolean }> {
    const input = normalizeRequest(request);
    assertMayActAs(principal, input.agent_id);
    const hash = requestHash(input);
    const policy = this.deps.policy.current();
    const submitter = policyPrincipal(principal);
    const now = this.deps.now();
    // Object.assign rather than a spread literal: measurably cheaper in V8 on this hot path.
    const evaluated = Object.assign({}, input, { principal: submitter });
    const verdict = evaluate(policy, evaluated);
    const submittedBy = principal.openMode ? null : principal.name;
    const facts: NewActionFacts = {
      id: this.deps.newId(),
      at: now.toISOString(),
      requestHash: hash,
      submittedBy,
      idempotencyKey,
      approvalTtlSeconds: this.deps.approvalTtlSeconds,
      submitterShared: principal.shared === true,
      newApprovalToken,
    };
    const { write, notifying } = submissionWriter({
      // The policy decides on the original values; what is stored has the `redact` paths digested.
      stored: storedRequest(input, policy, verdict, this.deps.redactionKey ?? null),
      policy,
      facts,
      submitter,
      event: (type, meta) => this.event(type, meta),
      notifications: this.deps.notifications,
    });
    // The shadow policy is compared with the policy's own decision, before usage or a grant changes it
    // (the fields the action written for `verdict` would have; a call a grant allows never builds it).
    const active = {
      id: facts.id,
      created_at: facts.at,
      decision: verdict.decision,
      matched_rule: verdict.matched_rule,
      policy_hash: policy.hash,
    };
    const shadow = this.deps.shadow?.disagreement(evaluated, active);
    // A live standing grant may stand in for the approval: tried in order; one used up or revoked
    // meanwhile (by a racing submission, on any replica) fails its write, and the next is tried.
    // Only a call sent to approval looks (allow and deny don't wait for a lookup's promise).
    const grants = verdict.decision === 'require_approval' ? this.deps.grants : undefined;
    const call = {
      action: evaluated,
      verdict,
      submitter: submittedBy,
      submitter_may_decide: principal.shared === true,
    };
    for (const grant of grants === undefined ? [] : await grants.covering(call, now)) {
      try {
        return await this.store(Object.assign(write(verdict, grant), { shadow }), hash, notifying);
      } catch (error) {
        if (!(error instanceof StoreError && error.code === 'grant_unavailable')) throw error;
        grants?.unavailable(evaluated.tool, evaluated.operation);
      }
    }
    const written = write(verdict);
    // A limited rule's limit is decided again inside the write transaction, with its window's usage.
    const limit = limitGate(verdict, written, now.getTime(), write);
    // Object.assign rather than a spread literal with added fields: measurably cheaper in V8.
    // `return await`: returning the promise itself from an async function costs two more ticks.
    return await this.store(Object.assign({}, written, { limit, shadow }), hash, notifying);
  }

  /** Writes a decided submission; an idempotent repeat returns the action stored first. */
  private async store(
    input: SubmissionWrite & Pick<CreateActionInput, 'limit' | 'shadow'>,
    hash: string,
    notifying: () => boolean,
  ): Promise<{ record: ActionRecord; created: boolean }> {
    const result = await this.deps.store.createAction(input);
    if (!result.created) {
      if (result.action.request_hash !== hash) {
        throw new ApiError('idempotency_conflict', 'this Idempotency-Key was already used for a different request', {
          action_id: result.action.id,
        });
      }
      return { record: result.action, created: false };
    }
    this.deps.metrics.countAction(result.action.status, result.action.tool);
    this.deps.hub.publish(result.events);
    if (notifying()) this.deps.notifications?.queued();
    return { record: result.action, created: true };
  }

  /** Resolves a full id or a unique prefix to an action the principal may read. */
  async get(idOrPrefix: string, principal: Principal): Promise<ActionRecord> {
    return resolveActionId(this.deps.store, idOrPrefix, (record) => this.readable(record, principal));
  }

  /** A full-UUID lookup for state changes (no prefixes: a prefix must never pick what gets approved). */
  async getExact(id: string, principal: Principal): Promise<ActionRecord> {
    if (!UUID.test(id)) throw new ApiError('invalid_id', `"${id}" is not an action id (a UUID)`);
    const record = await this.deps.store.getAction(id.toLowerCase());
    if (record === null || !this.readable(record, principal)) {
      throw new ApiError('action_not_found', `no action ${id}`);
    }
    return record;
  }

  async list(query: ListActionsQuery, principal: Principal) {
    const input = toListInput(query, principal);
    return toPage(input, await this.deps.store.listActions(input));
  }

  async events(idOrPrefix: string, principal: Principal): Promise<EventRecord[]> {
    const record = await this.get(idOrPrefix, principal);
    return this.deps.store.listEvents(record.id);
  }

  async start(id: string, principal: Principal): Promise<ActionRecord> {
    const initial = await this.executable(id, principal);
    return this.retryingOnce(initial, principal, async (record) => {
      const at = this.deps.now().toISOString();
      return this.move(record, 'start', at, { started_at: at }, { by: principal.name });
    });
  }

  /** Records how execution ended; from allowed/approved it records the implied start as well. */
  async result(id: string, body: ResultRequest, principal: Principal): Promise<ActionRecord> {
    const initial = await this.executable(id, principal);
    return this.retryingOnce(initial, principal, (record) => this.recordResult(record, body, principal));
  }

  /**
   * Withdraws an action that has not started (pending_approval, allowed or approved): the agent no
   * longer needs it. Only its submitter or an admin may; it ends `cancelled`, a final status.
   */
  async cancel(id: string, body: CancelRequest | null, principal: Principal): Promise<ActionRecord> {
    const initial = await this.getExact(id, principal);
    const own = !principal.openMode && initial.submitted_by !== null && initial.submitted_by === principal.name;
    if (!own && !can(principal.role, 'action:cancel_any')) {
      throw new ApiError('forbidden', 'only the submitter of an action or an admin may cancel it');
    }
    const reason = body?.reason ?? null;
    return this.retryingOnce(
      initial,
      principal,
      async (record) => {
        const at = this.deps.now().toISOString();
        const from = record.status;
        const meta = { by: principal.name, role: principal.role, reason, from };
        const updated = await this.move(record, 'cancel', at, { approval_token: null }, meta);
        this.deps.metrics.cancellations.inc({ from });
        return updated;
      },
      // Cancelling what already ended is refused like any other move out of a final status.
      { expiredIsApprovalExpired: false },
    );
  }

  private async recordResult(record: ActionRecord, body: ResultRequest, principal: Principal) {
    const at = this.deps.now().toISOString();
    const command: Command = body.success ? 'succeed' : 'fail';
    const error = body.success ? null : (body.error ?? null);
    const patch: ActionPatch = { finished_at: at, result_error: error };
    const events: NewEvent[] = [];
    let current = record;
    if (current.status === 'allowed' || current.status === 'approved') {
      this.assertMove(current, 'start');
      events.push(this.event('started', { by: principal.name, implied: true }));
      patch.started_at = at;
      current = { ...current, status: 'executing' };
    }
    const next = this.assertMove(current, command);
    events.push(this.event(COMMAND_EVENTS[command], { by: principal.name, error }));
    const updated = await this.commit(current, { ...patch, status: next }, events, at);
    const started = updated.started_at ?? at;
    this.deps.metrics.observeExecution(
      updated.tool,
      body.success ? 'succeeded' : 'failed',
      (Date.parse(at) - Date.parse(started)) / 1000,
    );
    return updated;
  }

  /** Submits the same request again, decided by the current policy. */
  async replay(id: string, principal: Principal): Promise<ActionRecord> {
    if (!can(principal.role, 'action:submit')) {
      throw new ApiError('forbidden', `role "${principal.role}" may not submit actions`);
    }
    const original = await this.getExact(id, principal);
    if (requestHash(original) !== original.request_hash) {
      throw new ApiError(
        'action_redacted',
        'this action was stored with redacted values, so it cannot be submitted again as it was',
        {
          action_id: original.id,
        },
      );
    }
    const { record } = await this.submit(
      {
        agent_id: original.agent_id,
        tool: original.tool,
        operation: original.operation,
        params: original.params,
        context: { ...original.context, replay_of: original.id },
      },
      principal,
      null,
    );
    return record;
  }

  /**
   * Expires every pending approval whose window has closed and every approval that lapsed before
   * execution started; returns how many this call expired (another replica may take some first).
   */
  async expireDue(): Promise<number> {
    const at = this.deps.now().toISOString();
    const due = [
      ...(await this.deps.store.listExpiredPending(at, 200)),
      ...(await this.deps.store.listExpiredApproved(at, 200)),
    ];
    let expired = 0;
    for (const record of due) {
      if ((await this.tryExpire(record)).expiredNow) expired += 1;
    }
    return expired;
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
  async expireIfDue(record: ActionRecord): Promise<ActionRecord> {
    return (await this.tryExpire(record)).record;
  }

  /**
   * Expires `record` if its deadline has passed. The compare-and-set makes exactly one caller (a
   * sweep on any replica, or a request) record it; the others get the action as it is now.
   */
  private async tryExpire(record: ActionRecord): Promise<{ record: ActionRecord; expiredNow: boolean }> {
    const at = this.deps.now().toISOString();
    const from = dueExpiry(record, at);
    if (from === null) return { record, expiredNow: false };
    try {
      const expired = await this.move(record, 'expire', at, { approval_token: null }, expiryMeta(record, from));
      this.deps.metrics.expirations.inc({ from });
      return { record: expired, expiredNow: true };
    } catch (error) {
      if (error instanceof ApiError) return { record, expiredNow: false };
      const fresh = await this.deps.store.getAction(record.id);
      return { record: fresh ?? record, expiredNow: false };
    }
  }

  /**
   * Runs one move on the action after expiring it if due (an expired one answers 409
   * `approval_expired`). If the action changed meanwhile (an expiry sweep, a cancel, a concurrent
   * start on another replica) the compare-and-set fails; the move is then re-judged once against the
   * fresh action, so the caller learns the real reason (`approval_expired`, `invalid_transition`).
   */
  private async retryingOnce(
    initial: ActionRecord,
    principal: Principal,
    apply: (record: ActionRecord) => Promise<ActionRecord>,
    options: { expiredIsApprovalExpired: boolean } = { expiredIsApprovalExpired: true },
  ): Promise<ActionRecord> {
    let record = initial;
    for (let attempt = 0; ; attempt++) {
      record = await this.expireIfDue(record);
      if (record.status === 'expired' && options.expiredIsApprovalExpired) throw approvalExpiredError(record);
      try {
        return await apply(record);
      } catch (error) {
        if (attempt > 0 || !(error instanceof StoreError && error.code === 'version_conflict')) throw error;
        record = await this.getExact(record.id, principal);
      }
    }
  }

  private async executable(id: string, principal: Principal): Promise<ActionRecord> {
    if (!can(principal.role, 'action:execute')) {
      throw new ApiError('forbidden', `role "${principal.role}" may not report execution`);
    }
    return this.getExact(id, principal);
  }

  private readable(record: ActionRecord, principal: Principal): boolean {
    if (can(principal.role, 'action:read_all')) return true;
    return can(principal.role, 'action:read_own') && record.submitted_by === principal.name;
  }

  /** The status `command` moves `record` to; 409 `invalid_transition` when the table doesn't allow it. */
  assertMove(record: ActionRecord, command: Command): Status {
    const from = record.status as Status;
    const next = nextStatus(from, command);
    if (next === null) {
      throw new ApiError('invalid_transition', `cannot ${command} an action that is ${from}`, {
        status: from,
        command,
        allowed: Object.keys(TRANSITIONS[from]),
      });
    }
    return next;
  }

  private async move(
    record: ActionRecord,
    command: Command,
    at: string,
    patch: ActionPatch,
    meta: JsonObject,
  ): Promise<ActionRecord> {
    const next = this.assertMove(record, command);
    return this.commit(record, { ...patch, status: next }, [this.event(COMMAND_EVENTS[command], meta)], at);
  }

  /**
   * One compare-and-set write of `patch` with its events, published once committed; `grant` is a
   * standing grant made, revoked or expired in the same transaction.
   */
  async commit(record: ActionRecord, patch: ActionPatch, events: NewEvent[], at: string, grant?: GrantChange) {
    const after = { ...record, ...patch, updated_at: at, version: record.version + 1 };
    const notifications = this.deps.notifications?.route(after, events, at);
    const result = await this.deps.store.transition({
      id: record.id,
      expected_version: record.version,
      patch,
      events,
      at,
      notifications,
      ...(grant !== undefined && { grant }),
    });
    if (notifications !== undefined) this.deps.notifications?.queued();
    for (const event of result.events) {
      const status = STATUS_OF_EVENT[event.event_type];
      if (status !== undefined) this.deps.metrics.countAction(status, record.tool);
    }
    this.deps.hub.publish(result.events);
    return result.action;
  }

  /**
   * Writes an action the server records of itself (an administrative act with ledger events but no
   * agent's request), stamped with the active policy, published once committed.
   */
  async record(action: Omit<NewAction, 'policy_version' | 'policy_hash'>, events: NewEvent[]): Promise<ActionRecord> {
    const policy = this.deps.policy.current();
    const stamped: NewAction = Object.assign({}, action, { policy_version: policy.version, policy_hash: policy.hash });
    const result = await this.deps.store.createAction({ action: stamped, events });
    this.deps.metrics.countAction(result.action.status, result.action.tool);
    this.deps.hub.publish(result.events);
    return result.action;
  }

  event(type: string, meta: JsonObject): NewEvent {
    return { id: this.deps.newId(), event_type: type, meta };
  }
}

/** The status each lifecycle event enters (a combined start+result transition records two). */
const STATUS_OF_EVENT: Readonly<Record<string, Status>> = {
  approved: 'approved',
  denied: 'denied',
  started: 'executing',
  succeeded: 'succeeded',
  failed: 'failed',
  expired: 'expired',
  cancelled: 'cancelled',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
