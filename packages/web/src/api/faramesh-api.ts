import type {
  Action,
  ActionEvent,
  ActionList,
  AuthConfig,
  AuthSession,
  Grant,
  GrantList,
  GrantProposal,
  GrantRequest,
  LogoutResult,
  Notification,
  NotificationList,
  ReviewList,
  RiskLevel,
  Role,
  ShadowPolicyStatus,
  ShadowReport,
  Status,
} from '@faramesh/contract';
import type { HttpClient } from './http-client.js';

export interface Whoami {
  name: string;
  role: Role;
  open_mode: boolean;
  /** How this person signed in: open mode, a token, or single sign-on. */
  source?: 'open' | 'env' | 'database' | 'oidc';
  groups?: string[];
  /** A shared token (FARAMESH_TOKEN) or open mode: its holder may approve what it submitted. */
  shared_identity?: boolean;
  separation_of_duties?: boolean;
}

export interface ActionQuery {
  limit: number;
  offset: number;
  status?: Status | undefined;
  risk_level?: RiskLevel | undefined;
  agent_id?: string | undefined;
  tool?: string | undefined;
  q?: string | undefined;
  /** `me`: only pending actions the signed-in person may decide now. */
  awaiting?: 'me' | undefined;
}

/** `GET /v1/actions/{id}/explain`: the explanation's shape belongs to the policy engine. */
export interface ExplainResponse {
  action: Action;
  policy?: { file: string; version: string; hash: string };
  /** False when the policy changed since the decision: the trace shows what it would decide now. */
  decided_by_current_policy?: boolean;
  explanation: unknown;
}

export interface PlaygroundRequest {
  agent_id?: string;
  tool: string;
  operation: string;
  params?: Record<string, unknown>;
  context?: Record<string, unknown>;
  policy?: string;
}

export interface PlaygroundResult {
  decision: Action['decision'];
  reason: string | null;
  reason_code: string;
  risk_level: RiskLevel;
  risk_rule: string | null;
  matched_rule: Action['matched_rule'];
  policy_version: string;
  policy_hash: string;
  explanation: unknown;
}

/** Every call the dashboard makes, typed by the contract. */
export class FarameshApi {
  readonly http: HttpClient;

  constructor(http: HttpClient) {
    this.http = http;
  }

  /** How this server lets people sign in (public). */
  authConfig(signal?: AbortSignal): Promise<AuthConfig> {
    return this.http.request('/auth/config', { ...withSignal(signal), quietUnauthorized: true });
  }

  /** The single sign-on session of this browser's cookie; rejects with a 401 ApiError when there is none. */
  authSession(signal?: AbortSignal): Promise<AuthSession> {
    return this.http.request('/auth/session', { ...withSignal(signal), quietUnauthorized: true });
  }

  /** Ends the single sign-on session (server-side); may name the provider's logout page. */
  logout(): Promise<LogoutResult> {
    return this.http.request('/auth/logout', { method: 'POST', quietUnauthorized: true });
  }

  whoami(signal?: AbortSignal): Promise<Whoami> {
    return this.http.request('/v1/auth/whoami', withSignal(signal));
  }

  listActions(query: ActionQuery, signal?: AbortSignal): Promise<ActionList> {
    return this.http.request('/v1/actions', { query: { ...query }, ...withSignal(signal) });
  }

  getAction(id: string, signal?: AbortSignal): Promise<Action> {
    return this.http.request(`/v1/actions/${encodeURIComponent(id)}`, withSignal(signal));
  }

  getEvents(id: string, signal?: AbortSignal): Promise<ActionEvent[]> {
    return this.http.request(`/v1/actions/${encodeURIComponent(id)}/events`, withSignal(signal));
  }

  /** Where this action's notifications went and how delivery is going (approvers and admins). */
  getNotifications(id: string, signal?: AbortSignal): Promise<NotificationList> {
    return this.http.request(`/v1/actions/${encodeURIComponent(id)}/notifications`, withSignal(signal));
  }

  /** Re-drives a dead notification (admin). */
  retryNotification(id: string): Promise<Notification> {
    return this.http.request(`/v1/outbox/${encodeURIComponent(id)}/retry`, { method: 'POST', body: {} });
  }

  explain(id: string, signal?: AbortSignal): Promise<ExplainResponse> {
    return this.http.request(`/v1/actions/${encodeURIComponent(id)}/explain`, withSignal(signal));
  }

  /** Approve or deny, bound to the request_hash the approver was shown; an approval may carry a standing grant. */
  decide(action: Action, approve: boolean, reason: string, grant?: GrantRequest): Promise<Action> {
    const body: Record<string, unknown> = {
      token: action.approval_token ?? '',
      approve,
      request_hash: action.request_hash,
    };
    if (reason.trim() !== '') body.reason = reason.trim();
    if (grant !== undefined) body.grant = grant;
    return this.http.request(`/v1/actions/${encodeURIComponent(action.id)}/approval`, { method: 'POST', body });
  }

  /** Break glass (admins): approve past the approvers and quorum, bound to the request_hash shown. */
  breakGlass(action: Action, reason: string): Promise<Action> {
    const body = { reason, request_hash: action.request_hash };
    return this.http.request(`/v1/actions/${encodeURIComponent(action.id)}/break-glass`, { method: 'POST', body });
  }

  /** Break-glass approvals whose review is still open, newest first. */
  openReviews(signal?: AbortSignal): Promise<ReviewList> {
    return this.http.request('/v1/reviews?status=open', withSignal(signal));
  }

  /** Acknowledge the review of a break-glass approval (someone else than who broke the glass). */
  acknowledgeReview(id: string, note: string): Promise<Action> {
    const body = note.trim() === '' ? {} : { note: note.trim() };
    return this.http.request(`/v1/reviews/${encodeURIComponent(id)}/acknowledge`, { method: 'POST', body });
  }

  /** The scope offered for "also allow similar calls" on this action. */
  grantProposal(id: string, signal?: AbortSignal): Promise<GrantProposal> {
    return this.http.request(`/v1/actions/${encodeURIComponent(id)}/grant-proposal`, withSignal(signal));
  }

  listGrants(state: 'active' | 'all', signal?: AbortSignal): Promise<GrantList> {
    return this.http.request('/v1/grants', { query: { state, limit: 200 }, ...withSignal(signal) });
  }

  revokeGrant(id: string): Promise<Grant> {
    return this.http.request(`/v1/grants/${encodeURIComponent(id)}/revoke`, { method: 'POST', body: {} });
  }

  evaluate(request: PlaygroundRequest, signal?: AbortSignal): Promise<PlaygroundResult> {
    return this.http.request('/playground/eval', { method: 'POST', body: request, ...withSignal(signal) });
  }

  /** The shadow policy evaluated beside the active one (`active: false` when none is set). */
  shadowPolicy(signal?: AbortSignal): Promise<ShadowPolicyStatus> {
    return this.http.request('/v1/policy/shadow', withSignal(signal));
  }

  /** What the shadow policy would have changed since `since` (a duration such as `24h`). */
  shadowReport(since: string, signal?: AbortSignal): Promise<ShadowReport> {
    return this.http.request(`/v1/policy/shadow/report?since=${encodeURIComponent(since)}`, withSignal(signal));
  }
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
