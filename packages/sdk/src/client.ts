import type {
  Action,
  ActionEvent,
  ActionList,
  ApiToken,
  BreakGlassRequest,
  CancelRequest,
  CreatedToken,
  CreateTokenRequest,
  Grant,
  GrantList,
  GrantProposal,
  ListActionsQuery,
  ListGrantsQuery,
  ListReviewsQuery,
  ListTokensQuery,
  Notification,
  NotificationList,
  PlaygroundEvalRequest,
  ResultRequest,
  ReviewList,
  ShadowPolicyStatus,
  ShadowPromotion,
  ShadowReport,
  SubmitActionRequest,
  TokenList,
} from '@faramesh/contract';
import type {
  ApprovalOptions,
  BreakGlassOptions,
  CallOptions,
  CancelOptions,
  ClientOptions,
  SubmitOptions,
  WaitOptions,
} from './client-options.js';
import { DEFAULT_BASE_URL } from './client-options.js';
import { FarameshError, TimeoutError } from './errors.js';
import { followStream, type StreamEvent, type StreamOptions } from './stream.js';
import { type QueryValue, sleep, Transport } from './transport.js';

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

import type {
  ExplainResponse,
  Health,
  LedgerArchiveResult,
  LedgerAudit,
  LedgerCheckpointInfo,
  PlaygroundResult,
  PolicyInfo,
  Readiness,
  WhoAmI,
} from './types.js';

function env(name: string): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env?.[name];
}

/**
 * Typed client of the Faramesh HTTP API. Errors are thrown as FarameshError (with the server's
 * stable `code`), ConnectionError or TimeoutError.
 */
export class FarameshClient {
  readonly baseUrl: string;
  private readonly transport: Transport;

  /** Accepts options, or a base URL string as in the seed's examples. */
  constructor(options: ClientOptions | string = {}) {
    const opts: ClientOptions = typeof options === 'string' ? { baseUrl: options } : options;
    this.baseUrl = (opts.baseUrl ?? env('FARAMESH_BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const token = opts.token === undefined ? env('FARAMESH_TOKEN')?.split(',')[0]?.trim() : opts.token;
    const fetchImpl = opts.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('no fetch available: pass options.fetch');
    this.transport = new Transport({
      baseUrl: this.baseUrl,
      token: token || null,
      timeoutMs: opts.timeoutMs ?? 30_000,
      retries: opts.retries ?? 2,
      fetch: (input, init) => fetchImpl(input, init),
      headers: opts.headers ?? {},
      sleep: opts.sleep ?? sleep,
    });
  }

  /** Full URL of an API path, e.g. for printing curl commands. */
  url(path: string, query?: Record<string, QueryValue>): string {
    return this.transport.url(path, query);
  }

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

  policy(options: CallOptions = {}): Promise<PolicyInfo> {
    return this.get<PolicyInfo>('/v1/policy', undefined, options);
  }

  /** Re-reads the server's policy file (admin). Throws `policy_invalid` with diagnostics; the old policy stays active. */
  reloadPolicy(options: CallOptions = {}): Promise<PolicyInfo> {
    return this.call<PolicyInfo>({ method: 'POST', path: '/v1/policy/reload', body: {}, signal: options.signal });
  }

  /** The shadow policy evaluated beside the active one (`active: false` when none is set). */
  shadowPolicy(options: CallOptions = {}): Promise<ShadowPolicyStatus> {
    return this.get<ShadowPolicyStatus>('/v1/policy/shadow', undefined, options);
  }

  /** Sets the shadow policy from its YAML text (admin). Throws `policy_invalid` with diagnostics. */
  setShadowPolicy(yaml: string, options: CallOptions = {}): Promise<ShadowPolicyStatus> {
    return this.call<ShadowPolicyStatus>({
      method: 'POST',
      path: '/v1/policy/shadow',
      body: { policy: yaml },
      signal: options.signal,
    });
  }

  /** Stops evaluating the shadow policy (admin); the disagreements it recorded stay. */
  clearShadowPolicy(options: CallOptions = {}): Promise<ShadowPolicyStatus & { cleared: boolean }> {
    return this.call({ method: 'DELETE', path: '/v1/policy/shadow', signal: options.signal });
  }

  /** What the shadow policy would have changed since `since` (default 24h). */
  shadowReport(
    query: { since?: string; policy_hash?: string; examples?: number } = {},
    options: CallOptions = {},
  ): Promise<ShadowReport> {
    return this.get<ShadowReport>('/v1/policy/shadow/report', query, options);
  }

  /**
   * Makes the shadow policy the active one (admin), recording the report in the ledger. With
   * `expected_hash`, only if the shadow policy is still that one. Never retried.
   */
  promoteShadowPolicy(
    request: { expected_hash?: string; since?: string } = {},
    options: CallOptions = {},
  ): Promise<ShadowPromotion> {
    return this.call<ShadowPromotion>({
      method: 'POST',
      path: '/v1/policy/shadow/promote',
      body: request,
      signal: options.signal,
    });
  }

  whoami(options: CallOptions = {}): Promise<WhoAmI> {
    return this.get<WhoAmI>('/v1/auth/whoami', undefined, options);
  }

  /**
   * Creates a database token (admin). The answer carries the secret, this once: show it to the
   * person who needs it and keep it nowhere else. Never retried: a second attempt would find the name
   * taken.
   */
  createToken(request: CreateTokenRequest, options: CallOptions = {}): Promise<CreatedToken> {
    return this.call<CreatedToken>({ method: 'POST', path: '/v1/tokens', body: request, signal: options.signal });
  }

  /** Database tokens, oldest first, without secrets (admin); page with `after: next_cursor`. */
  listTokens(query: ListTokensQuery = {}, options: CallOptions = {}): Promise<TokenList> {
    return this.get<TokenList>('/v1/tokens', query as Record<string, QueryValue>, options);
  }

  /** A database token by id, or by name while it isn't revoked (admin). */
  getToken(ref: string, options: CallOptions = {}): Promise<ApiToken> {
    return this.get<ApiToken>(`/v1/tokens/${enc(ref)}`, undefined, options);
  }

  /** Revokes a database token by id or name (admin); every replica refuses it from then on. */
  revokeToken(ref: string, options: CallOptions = {}): Promise<ApiToken> {
    return this.call<ApiToken>({
      method: 'POST',
      path: `/v1/tokens/${enc(ref)}/revoke`,
      body: {},
      signal: options.signal,
    });
  }

  /** The grant scope offered for "also allow calls like this one" (approver, admin); tighten it, then approve with it. */
  grantProposal(id: string, options: CallOptions = {}): Promise<GrantProposal> {
    return this.get<GrantProposal>(`/v1/actions/${enc(id)}/grant-proposal`, undefined, options);
  }

  /** Standing grants, newest first: active ones unless `state: 'all'` (approver, admin). */
  listGrants(query: ListGrantsQuery = {}, options: CallOptions = {}): Promise<GrantList> {
    return this.get<GrantList>('/v1/grants', query as Record<string, QueryValue>, options);
  }

  /** One standing grant by id (approver, admin). */
  getGrant(id: string, options: CallOptions = {}): Promise<Grant> {
    return this.get<Grant>(`/v1/grants/${enc(id)}`, undefined, options);
  }

  /** Revokes a standing grant on every replica; the first revocation stands (approver, admin). */
  revokeGrant(id: string, reason?: string, options: CallOptions = {}): Promise<Grant> {
    return this.call<Grant>({
      method: 'POST',
      path: `/v1/grants/${enc(id)}/revoke`,
      body: reason === undefined ? {} : { reason },
      signal: options.signal,
    });
  }

  /** An action's notifications and their delivery state (approver, admin). */
  actionNotifications(id: string, options: CallOptions = {}): Promise<NotificationList> {
    return this.get<NotificationList>(`/v1/actions/${enc(id)}/notifications`, undefined, options);
  }

  /** Notifications newest first, optionally in one state: queued, delivered or dead (admin). */
  listNotifications(query: { state?: string; limit?: number } = {}, options: CallOptions = {}) {
    return this.get<NotificationList>('/v1/outbox', query as Record<string, QueryValue>, options);
  }

  /** Re-drives a dead notification (admin). */
  retryNotification(id: string, options: CallOptions = {}): Promise<Notification> {
    return this.call<Notification>({
      method: 'POST',
      path: `/v1/outbox/${enc(id)}/retry`,
      body: {},
      signal: options.signal,
    });
  }

  /** Queues a test message to a configured channel (admin). */
  testChannel(name: string, options: CallOptions = {}): Promise<Notification> {
    return this.call<Notification>({
      method: 'POST',
      path: `/v1/channels/${enc(name)}/test`,
      body: {},
      signal: options.signal,
    });
  }

  health(options: CallOptions = {}): Promise<Health> {
    return this.get<Health>('/health', undefined, options);
  }

  /** Readiness with its checks; a 503 "not ready" is answered, not thrown. */
  async ready(options: CallOptions = {}): Promise<Readiness> {
    const answer = await this.transport.request<Readiness>({
      method: 'GET',
      path: '/ready',
      acceptStatus: [503],
      ...signalOf(options),
    });
    if (answer.status === 503 && typeof answer.body?.ready !== 'boolean') {
      throw new FarameshError('not_ready', 'server not ready', { status: 503, details: answer.body });
    }
    return answer.body;
  }

  /** Evaluates a call against the server's policy (or `policy` YAML) without storing anything. */
  playgroundEval(request: PlaygroundEvalRequest, options: CallOptions = {}): Promise<PlaygroundResult> {
    return this.call<PlaygroundResult>({
      method: 'POST',
      path: '/playground/eval',
      body: request,
      signal: options.signal,
    });
  }

  /** Recomputes the server's whole hash-chained ledger (approver or admin). */
  auditVerify(options: CallOptions = {}): Promise<LedgerAudit> {
    return this.get<LedgerAudit>('/v1/audit/verify', undefined, { ...options, timeoutMs: 600_000 });
  }

  /**
   * Archives the ledger up to `before` (an age like `90d` or an ISO date-time) into segment files in
   * the server's FARAMESH_ARCHIVE_DIR and removes the archived, finished actions (admin).
   */
  auditArchive(
    request: { before: string; dry_run?: boolean },
    options: CallOptions = {},
  ): Promise<LedgerArchiveResult> {
    return this.call<LedgerArchiveResult>({
      method: 'POST',
      path: '/v1/audit/archive',
      body: request,
      signal: options.signal,
      timeoutMs: 3_600_000,
    });
  }

  /** Verifies the ledger up to its head and records a (signed) checkpoint of it (admin). */
  auditCheckpoint(options: CallOptions = {}): Promise<LedgerCheckpointInfo & { file: boolean }> {
    return this.call<LedgerCheckpointInfo & { file: boolean }>({
      method: 'POST',
      path: '/v1/audit/checkpoints',
      body: {},
      signal: options.signal,
    });
  }

  /** The ledger from `after` on, one event (with its action snapshot) at a time, read as JSON lines. */
  async *auditExport(options: CallOptions & { after?: number } = {}): AsyncGenerator<Record<string, unknown>> {
    const abort = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
    const res = await this.transport.open(
      '/v1/audit/export',
      { after: options.after ?? 0 },
      { accept: 'application/x-ndjson' },
      signal,
    );
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline = buffer.indexOf('\n');
        while (newline !== -1) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.trim() !== '') yield JSON.parse(line) as Record<string, unknown>;
          newline = buffer.indexOf('\n');
        }
      }
      if (buffer.trim() !== '') yield JSON.parse(buffer) as Record<string, unknown>;
    } finally {
      abort.abort();
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

  private async get<T>(
    path: string,
    query: Record<string, QueryValue> | undefined,
    options: CallOptions & { timeoutMs?: number },
  ): Promise<T> {
    const spec = { method: 'GET' as const, path, retry: true, ...signalOf(options) };
    if (query !== undefined) Object.assign(spec, { query });
    if (options.timeoutMs !== undefined) Object.assign(spec, { timeoutMs: options.timeoutMs });
    return (await this.transport.request<T>(spec)).body;
  }

  private async call<T>(spec: {
    method: 'POST' | 'DELETE';
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    retry?: boolean;
    timeoutMs?: number;
    signal: AbortSignal | undefined;
  }): Promise<T> {
    const { signal, ...rest } = spec;
    return (await this.transport.request<T>({ ...rest, ...signalOf({ signal }) })).body;
  }
}

function signalOf(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

function enc(id: string): string {
  return encodeURIComponent(id);
}
