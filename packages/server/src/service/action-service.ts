import {
  type ApprovalRequest,
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
import type { ActionPatch, ActionRecord, EventRecord, NewEvent, Store } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { Metrics } from '../metrics/metrics.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import type { EventHub } from '../stream/event-hub.js';
import { approvalTokenMatches, newApprovalToken } from './approval-token.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { resolveActionId } from './id-resolution.js';
import { requestHash } from './request-hash.js';

export interface ActionServiceDeps {
  store: Store;
  policy: PolicyHolder;
  hub: EventHub;
  metrics: Metrics;
  now: () => Date;
  newId: () => string;
  approvalTtlSeconds: number;
}

const STATUS_OF_DECISION = { allow: 'allowed', deny: 'denied', require_approval: 'pending_approval' } as const;

/**
 * The action lifecycle: submission (policy decision), approval, execution reports and expiry. Every
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
    const params = request.params ?? {};
    const context = request.context ?? {};
    const agentId = request.agent_id ?? agentIdFromContext(context);
    const input = { agent_id: agentId, tool: request.tool, operation: request.operation, params, context };
    const hash = requestHash(input);
    const policy = this.deps.policy.current();
    const verdict = evaluate(policy, input);
    const status = STATUS_OF_DECISION[verdict.decision];
    const at = this.deps.now().toISOString();
    const pending = status === 'pending_approval';
    const ttl = this.deps.approvalTtlSeconds;
    const submittedBy = principal.openMode ? null : principal.name;

    const result = await this.deps.store.createAction({
      action: {
        id: this.deps.newId(),
        ...input,
        status,
        decision: verdict.decision,
        reason: verdict.reason,
        reason_code: verdict.reason_code,
        risk_level: verdict.risk_level,
        risk_rule: verdict.risk_rule,
        matched_rule: verdict.matched_rule,
        policy_version: policy.version,
        policy_hash: policy.hash,
        request_hash: hash,
        approval_token: pending ? newApprovalToken() : null,
        approval_expires_at: pending && ttl > 0 ? new Date(Date.parse(at) + ttl * 1000).toISOString() : null,
        approval_decided_by: null,
        approval_decided_at: null,
        approval_reason: null,
        submitted_by: submittedBy,
        idempotency_key: idempotencyKey,
        started_at: null,
        finished_at: null,
        result_error: null,
        created_at: at,
      },
      events: [
        this.event('created', {
          agent_id: agentId,
          tool: request.tool,
          operation: request.operation,
          submitted_by: submittedBy,
          request_hash: hash,
        }),
        this.event('decision_made', {
          decision: verdict.decision,
          reason: verdict.reason,
          reason_code: verdict.reason_code,
          risk_level: verdict.risk_level,
          risk_rule: verdict.risk_rule,
          matched_rule: verdict.matched_rule,
          policy_version: policy.version,
          policy_hash: policy.hash,
        }),
      ],
    });
    if (!result.created) {
      if (result.action.request_hash !== hash) {
        throw new ApiError('idempotency_conflict', 'this Idempotency-Key was already used for a different request', {
          action_id: result.action.id,
        });
      }
      return { record: result.action, created: false };
    }
    this.deps.metrics.countAction(status, request.tool);
    this.deps.hub.publish(result.events);
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
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const filter = {
      ...(query.status !== undefined && { status: query.status }),
      ...(query.tool !== undefined && { tool: query.tool }),
      ...(query.agent_id !== undefined && { agent_id: query.agent_id }),
      ...(query.risk_level !== undefined && { risk_level: query.risk_level }),
      ...(query.since !== undefined && { since: new Date(query.since).toISOString() }),
      ...(query.until !== undefined && { until: new Date(query.until).toISOString() }),
      ...(query.q !== undefined && { q: query.q }),
      ...(!can(principal.role, 'action:read_all') && { submitted_by: principal.name }),
    };
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const page = await this.deps.store.listActions({
      filter,
      limit,
      ...(after === undefined ? { offset } : { after }),
    });
    const last = page.items[page.items.length - 1];
    const consumed = after === undefined ? offset + page.items.length : null;
    const more = page.items.length === limit && (consumed === null || consumed < page.total);
    return {
      items: page.items,
      total: page.total,
      limit,
      offset: after === undefined ? offset : 0,
      next_cursor: more && last !== undefined ? encodeCursor(last) : null,
    };
  }

  async events(idOrPrefix: string, principal: Principal): Promise<EventRecord[]> {
    const record = await this.get(idOrPrefix, principal);
    return this.deps.store.listEvents(record.id);
  }

  /** Approve or deny with the action's single-use approval token. */
  async decide(id: string, body: ApprovalRequest, principal: Principal): Promise<ActionRecord> {
    if (!can(principal.role, 'action:decide')) {
      throw new ApiError('forbidden', `role "${principal.role}" may not approve or deny actions`);
    }
    let record = await this.getExact(id, principal);
    record = await this.expireIfDue(record);
    if (record.status === 'expired') {
      throw new ApiError('approval_expired', 'the approval window of this action has closed', {
        expired_at: record.approval_expires_at,
      });
    }
    const command: Command = body.approve ? 'approve' : 'deny';
    this.assertMove(record, command);
    if (!approvalTokenMatches(record.approval_token, body.token)) {
      throw new ApiError('approval_token_invalid', 'the approval token does not match this action');
    }
    const stored = requestHash(record);
    if (stored !== record.request_hash || (body.request_hash !== undefined && body.request_hash !== stored)) {
      throw new ApiError('approval_token_invalid', 'the approval is not for this exact request', {
        request_hash: record.request_hash,
      });
    }
    if (!principal.openMode && record.submitted_by === principal.name) {
      throw new ApiError('self_approval_forbidden', 'the submitter of an action may not decide on it');
    }
    const at = this.deps.now().toISOString();
    const reason = body.reason ?? null;
    const updated = await this.move(
      record,
      command,
      at,
      {
        approval_token: null,
        approval_decided_by: principal.name,
        approval_decided_at: at,
        approval_reason: reason,
      },
      { by: principal.name, role: principal.role, reason },
    );
    this.deps.metrics.decisionLatency.observe(
      { outcome: command === 'approve' ? 'approved' : 'denied' },
      (Date.parse(at) - Date.parse(record.created_at)) / 1000,
    );
    return updated;
  }

  async start(id: string, principal: Principal): Promise<ActionRecord> {
    const record = await this.executable(id, principal);
    const at = this.deps.now().toISOString();
    return this.move(record, 'start', at, { started_at: at }, { by: principal.name });
  }

  /** Records how execution ended; from allowed/approved it records the implied start as well. */
  async result(id: string, body: ResultRequest, principal: Principal): Promise<ActionRecord> {
    let record = await this.executable(id, principal);
    const at = this.deps.now().toISOString();
    const command: Command = body.success ? 'succeed' : 'fail';
    const error = body.success ? null : (body.error ?? null);
    const patch: ActionPatch = { finished_at: at, result_error: error };
    const events: NewEvent[] = [];
    if (record.status === 'allowed' || record.status === 'approved') {
      this.assertMove(record, 'start');
      events.push(this.event('started', { by: principal.name, implied: true }));
      patch.started_at = at;
      record = { ...record, status: 'executing' };
    }
    const next = this.assertMove(record, command);
    events.push(this.event(COMMAND_EVENTS[command], { by: principal.name, error }));
    const updated = await this.commit(record, { ...patch, status: next }, events, at);
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

  /** Expires every pending approval whose window has closed; returns how many. */
  async expireDue(): Promise<number> {
    const at = this.deps.now().toISOString();
    const due = await this.deps.store.listExpiredPending(at, 200);
    let expired = 0;
    for (const record of due) {
      const after = await this.expireIfDue(record);
      if (after.status === 'expired') expired += 1;
    }
    return expired;
  }

  /**
   * Resolves as soon as the action leaves pending_approval, or after timeoutMs with its current
   * state. Subscribes before reading, so a decision between the two can't be missed.
   */
  async waitForDecision(idOrPrefix: string, principal: Principal, timeoutMs: number, signal: AbortSignal) {
    const initial = await this.get(idOrPrefix, principal);
    if (initial.status !== 'pending_approval' || timeoutMs === 0) return initial;
    return new Promise<ActionRecord>((resolve, reject) => {
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        unsubscribe();
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.deps.store.getAction(initial.id).then((record) => resolve(record ?? initial), reject);
      };
      const unsubscribe = this.deps.hub.subscribe((events) => {
        if (events.some((e) => e.action_id === initial.id && e.action.status !== 'pending_approval')) finish();
      });
      const timer = setTimeout(finish, timeoutMs);
      signal.addEventListener('abort', finish);
      // Re-check after subscribing: the decision may have landed in between.
      this.deps.store.getAction(initial.id).then((record) => {
        if (record !== null && record.status !== 'pending_approval') finish();
      }, reject);
    });
  }

  private async expireIfDue(record: ActionRecord): Promise<ActionRecord> {
    const at = this.deps.now().toISOString();
    if (record.status !== 'pending_approval' || record.approval_expires_at === null) return record;
    if (record.approval_expires_at > at) return record;
    try {
      return await this.move(
        record,
        'expire',
        at,
        { approval_token: null },
        {
          reason: 'no decision before the approval window closed',
          expires_at: record.approval_expires_at,
        },
      );
    } catch (error) {
      if (error instanceof ApiError) return record;
      const fresh = await this.deps.store.getAction(record.id);
      return fresh ?? record;
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

  private assertMove(record: ActionRecord, command: Command): Status {
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

  private async commit(record: ActionRecord, patch: ActionPatch, events: NewEvent[], at: string) {
    const result = await this.deps.store.transition({
      id: record.id,
      expected_version: record.version,
      patch,
      events,
      at,
    });
    for (const event of result.events) {
      const status = STATUS_OF_EVENT[event.event_type];
      if (status !== undefined) this.deps.metrics.countAction(status, record.tool);
    }
    this.deps.hub.publish(result.events);
    return result.action;
  }

  private event(type: string, meta: JsonObject): NewEvent {
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
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function agentIdFromContext(context: JsonObject): string {
  const value = context.agent_id;
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 256) return value;
  throw new ApiError('validation_failed', 'agent_id is required (in the body, or as context.agent_id)', [
    { path: 'body.agent_id', message: 'required' },
  ]);
}
