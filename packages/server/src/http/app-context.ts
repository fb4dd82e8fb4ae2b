import type { Store } from '@faramesh/store';
import type { LedgerIntegrity } from '../audit/ledger-integrity.js';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { OidcLogin } from '../auth/oidc-login.js';
import type { SessionAuthenticator } from '../auth/session-principal.js';
import type { TokenAdmin } from '../auth/token-admin.js';
import type { ServerConfig } from '../config/config.js';
import type { Readiness } from '../health/readiness.js';
import type { ByteBudget } from '../limits/byte-budget.js';
import type { ConcurrencyGate } from '../limits/concurrency-gate.js';
import type { RequestLimits } from '../limits/request-limits.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Notifications } from '../notify/notifications.js';
import type { SlackInteractions } from '../notify/slack-interactions.js';
import type { InlinePolicyEvaluator } from '../playground/inline-policy-evaluator.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import type { ActionService } from '../service/action-service.js';
import type { ApprovalService } from '../service/approval-service.js';
import type { BreakGlassService } from '../service/break-glass-service.js';
import type { EscalationSweeper } from '../service/escalation-sweeper.js';
import type { GrantService } from '../service/grant-service.js';
import type { ShadowPolicy } from '../shadow/shadow-policy.js';
import type { ShadowPromoter } from '../shadow/shadow-promotion.js';
import type { EventHub } from '../stream/event-hub.js';
import type { SseConnection } from '../stream/sse-connection.js';

/** Everything the HTTP layer needs, built by the composition root and injected. */
export interface AppContext {
  config: ServerConfig;
  store: Store;
  policy: PolicyHolder;
  service: ActionService;
  /** Approve/deny under the action's stored approval requirement (quorum, approvers). */
  approvals: ApprovalService;
  /** Break-glass approvals (admins) and their mandatory reviews. */
  breakGlass: BreakGlassService;
  /** Standing grants: made with approvals, listed, revoked, expired (the sweep timer calls expireDue). */
  grants: GrantService;
  /** Fires due escalation steps (the server's sweep timer calls it every second). */
  escalations: EscalationSweeper;
  hub: EventHub;
  metrics: Metrics;
  /** Notification routing, delivery state and the outbox's admin operations. */
  notifications: Notifications;
  /** Slack's interactivity requests (Approve / Deny buttons); null without a `slack:` section. */
  slack: SlackInteractions | null;
  auth: Authenticator;
  /** Database tokens: create, list, revoke (the admin endpoints). */
  tokens: TokenAdmin;
  /** Dashboard sessions (cookie) and the OpenID Connect login that opens them; null without SSO. */
  sessions: SessionAuthenticator | null;
  oidc: OidcLogin | null;
  /** The named readiness checks behind /ready; add one with `readiness.add(check)`. */
  readiness: Readiness;
  streams: Set<SseConnection>;
  /** Bytes held for SSE clients whose sockets are full, all connections together. */
  sseBudget: ByteBudget;
  /** Body limits, rate limits and the in-flight body budget of write requests. */
  requestLimits: RequestLimits;
  /** Open long-polls. */
  waiters: ConcurrencyGate;
  /** Pasted playground policies, evaluated off the request thread. */
  playground: InlinePolicyEvaluator;
  /** Reloads the policy file and reports the outcome (used by the admin endpoint and hot reload). */
  reloadPolicy: () => Promise<import('../notify/policy-channels-reload.js').PolicyAndChannelsOutcome>;
  now: () => Date;
  /** Aborted when the server begins to shut down: long-polls answer at once instead of holding it up. */
  shutdown: AbortSignal;
  /** Ledger consistency verdict (writes refused when damaged) and the checkpoint writer. */
  ledger: LedgerIntegrity;
  /** The candidate policy evaluated beside the active one, and its promotion. */
  shadow: ShadowPolicy;
  shadowPromoter: ShadowPromoter;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}
