import type {
  Action,
  ActionEvent,
  ActionList,
  BreakGlassRequest,
  CancelRequest,
  ListActionsQuery,
  ListReviewsQuery,
  ResultRequest,
  ReviewList,
  SubmitActionRequest,
} from '@faramesh/contract';
import type {
  ApprovalOptions,
  BreakGlassOptions,
  CallOptions,
  CancelOptions,
  SubmitOptions,
  WaitOptions,
} from './client-options.js';
import { FarameshError, TimeoutError } from './errors.js';
import { followStream, type StreamEvent, type StreamOptions } from './stream.js';
import type { QueryValue } from './transport.js';

export {
  type ApprovalOptions,
  type BreakGlassOptions,
  type CallOptions,
  type CancelOptions,
  type ClientOptions,
  DEFAULT_BASE_URL,
  type SubmitOptions,
  type WaitOptions,
} from './client-options.js';

import { AdminCalls } from './admin-calls.js';
import { enc } from './client-base.js';
import type { ExplainResponse } from './types.js';

/**
 * Typed client of the Faramesh HTTP API. Errors are thrown as FarameshError (with the server's
 * stable `code`), ConnectionError or TimeoutError.
 */
export class FarameshClient extends AdminCalls {
  /**
   * Submits a tool call for a decision. Sent with an Idempotency-Key, so retries after a lost
   * answer never create a second action.
   */
  async submitAction(request: SubmitActionRequest, options: SubmitOptions = {}): Promise<Action> {
    const key = options.idempotencyKey ?? crypto.randomUUID();
    return this.call<Action>({
      method: 'POST',
      path: '/v1/actions',
      body: request,
      headers: { 'idempotency-key': key },
      retry: true,
      signal: options.signal,
    });
  }

  /** An action by full id or by id prefix (4+ hex chars, resolved by the server). */
  getAction(id: string, options: CallOptions = {}): Promise<Action> {
    return this.get<Action>(`/v1/actions/${enc(id)}`, undefined, options);
  }

  listActions(query: ListActionsQuery = {}, options: CallOptions = {}): Promise<ActionList> {
    return this.get<ActionList>('/v1/actions', query as Record<string, QueryValue>, options);
  }

  /** The action's ledger events, oldest first. */
  getEvents(id: string, options: CallOptions = {}): Promise<ActionEvent[]> {
    return this.get<ActionEvent[]>(`/v1/actions/${enc(id)}/events`, undefined, options);
  }

  /** The current policy's full rule trace for an action. */
  explain(id: string, options: CallOptions = {}): Promise<ExplainResponse> {
    return this.get<ExplainResponse>(`/v1/actions/${enc(id)}/explain`, undefined, options);
  }

  approve(id: string, options: ApprovalOptions = {}): Promise<Action> {
    return this.decide(id, true, options);
  }

  deny(id: string, options: ApprovalOptions = {}): Promise<Action> {
    return this.decide(id, false, options);
  }

  /** Records that the agent began executing an allowed or approved action. */
  start(id: string, options: CallOptions = {}): Promise<Action> {
    return this.call<Action>({
      method: 'POST',
      path: `/v1/actions/${enc(id)}/start`,
      body: {},
      signal: options.signal,
    });
  }

  /** Records how the execution ended: `reportResult(id, {success, error})` or `reportResult(id, success, error)`. */
  reportResult(id: string, result: ResultRequest | boolean, error?: string | null, options: CallOptions = {}) {
    const body: ResultRequest = typeof result === 'boolean' ? { success: result, error: error ?? null } : result;
    return this.call<Action>({ method: 'POST', path: `/v1/actions/${enc(id)}/result`, body, signal: options.signal });
  }

  /**
   * Withdraws an action that has not started (`pending_approval`, `allowed` or `approved`): it ends
   * `cancelled`. Only its submitter or an admin may (403 `forbidden` otherwise); 409
   * `invalid_transition` once it started or ended. Takes a full id, never a prefix.
   */
  cancelAction(id: string, options: CancelOptions = {}): Promise<Action> {
    const body: CancelRequest = options.reason === undefined ? {} : { reason: options.reason };
    return this.call<Action>({
      method: 'POST',
      path: `/v1/actions/${enc(id)}/cancel`,
      body,
      signal: options.signal,
    });
  }

  /**
   * Breaks glass (admin): approves a pending action past its approvers and quorum, with a reason,
   * and opens a review another approver must acknowledge. Accepts an id prefix (resolved first); the
   * approval is bound to the action's request_hash (403 `approval_token_invalid` when it changed).
   */
  async breakGlass(id: string, options: BreakGlassOptions): Promise<Action> {
    let target = id;
    let requestHash = options.requestHash;
    if (requestHash === undefined) {
      const action = await this.getAction(id, options);
      target = action.id;
      requestHash = action.request_hash;
    }
    const body: BreakGlassRequest = { reason: options.reason, request_hash: requestHash };
    return this.call<Action>({
      method: 'POST',
      path: `/v1/actions/${enc(target)}/break-glass`,
      body,
      signal: options.signal,
    });
  }

  /** Break-glass approvals to review, newest first: the open ones unless `status` says otherwise. */
  listReviews(query: ListReviewsQuery = {}, options: CallOptions = {}): Promise<ReviewList> {
    return this.get<ReviewList>('/v1/reviews', query as Record<string, QueryValue>, options);
  }

  /** Acknowledges the review of a break-glass approval (full action id; someone else than who broke it). */
  acknowledgeReview(id: string, options: CallOptions & { note?: string } = {}): Promise<Action> {
    return this.call<Action>({
      method: 'POST',
      path: `/v1/reviews/${enc(id)}/acknowledge`,
      body: options.note === undefined ? {} : { note: options.note },
      signal: options.signal,
    });
  }

  /** Submits the same call again under the current policy; answers the new action. */
  replay(id: string, options: CallOptions = {}): Promise<Action> {
    return this.call<Action>({
      method: 'POST',
      path: `/v1/actions/${enc(id)}/replay`,
      body: {},
      signal: options.signal,
    });
  }

  /**
   * Resolves as soon as the action leaves `pending_approval` (long-poll, no polling interval), never
   * on a partial approval; `onProgress` hears those. Throws TimeoutError (fail closed) when no
   * decision arrives within `timeoutMs`.
   */
  async waitForDecision(id: string, options: WaitOptions = {}): Promise<Action> {
    const total = options.timeoutMs ?? 300_000;
    const deadline = Date.now() + total;
    const { onProgress, timeoutMs: _total, ...callOptions } = options;
    let seen: number | undefined;
    for (;;) {
      const remaining = Math.max(0, deadline - Date.now());
      // With a progress listener, a first look (no wait) learns the version the later long-polls
      // watch: they then also answer when the action changes while still pending.
      const waitMs = onProgress !== undefined && seen === undefined ? 0 : Math.min(remaining, 60_000);
      const query: Record<string, QueryValue> = { timeout_ms: waitMs };
      if (onProgress !== undefined && seen !== undefined) query.after_version = seen;
      const action = await this.get<Action>(`/v1/actions/${enc(id)}/wait`, query, {
        ...callOptions,
        timeoutMs: waitMs + 15_000,
      });
      if (action.status !== 'pending_approval') return action;
      if (onProgress !== undefined && seen !== undefined && action.version > seen) onProgress(action);
      seen = action.version;
      if (Date.now() >= deadline) {
        const error = new TimeoutError(
          this.url(`/v1/actions/${id}/wait`),
          total,
          `no decision on ${id} within ${total} ms`,
        );
        throw Object.assign(error, { action });
      }
    }
  }

  /** Live ledger events as an async iterator; reconnects and resumes with Last-Event-ID. */
  stream(options: StreamOptions = {}): AsyncGenerator<StreamEvent> {
    return followStream(this.transport, options);
  }

  private async decide(id: string, approve: boolean, options: ApprovalOptions): Promise<Action> {
    let token = options.token;
    let target = id;
    let requestHash: string | undefined;
    if (token === undefined) {
      const action = await this.getAction(id, options);
      target = action.id;
      requestHash = action.request_hash;
      if (action.status !== 'pending_approval') {
        throw new FarameshError('not_pending', `action ${action.id} is ${action.status}, not pending_approval`, {
          details: { status: action.status },
        });
      }
      if (!action.approval_token) {
        throw new FarameshError(
          'approval_token_unavailable',
          `the approval token of ${action.id} is not visible with this token (needs the approver or admin role)`,
        );
      }
      token = action.approval_token;
    }
    const body: Record<string, unknown> = { token, approve };
    if (options.reason !== undefined) body.reason = options.reason;
    if (requestHash !== undefined) body.request_hash = requestHash;
    if (options.grant !== undefined) body.grant = options.grant;
    return this.call<Action>({
      method: 'POST',
      path: `/v1/actions/${enc(target)}/approval`,
      body,
      signal: options.signal,
    });
  }
}
