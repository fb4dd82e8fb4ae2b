import type {
  ApiToken,
  CreatedToken,
  CreateTokenRequest,
  Grant,
  GrantList,
  GrantProposal,
  ListGrantsQuery,
  ListTokensQuery,
  Notification,
  NotificationList,
  PlaygroundEvalRequest,
  ShadowPolicyStatus,
  ShadowPromotion,
  ShadowReport,
  TokenList,
} from '@faramesh/contract';
import { ClientBase, enc, signalOf } from './client-base.js';
import type { CallOptions } from './client-options.js';
import { FarameshError } from './errors.js';
import type { QueryValue } from './transport.js';
import type {
  Health,
  LedgerArchiveResult,
  LedgerAudit,
  LedgerCheckpointInfo,
  PlaygroundResult,
  PolicyInfo,
  Readiness,
  WhoAmI,
} from './types.js';

/**
 * The client's calls about the server rather than one action: policy and shadow policy, identity
 * and tokens, standing grants, notifications, health and readiness, the playground, and the ledger's
 * audit (verify, archive, checkpoints, export). FarameshClient adds the action lifecycle.
 */
export abstract class AdminCalls extends ClientBase {
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
}
