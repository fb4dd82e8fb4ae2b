import type { Action, ActionEvent, Role } from '@faramesh/contract';
import { FarameshApi } from '../api/faramesh-api.js';
import { HttpClient } from '../api/http-client.js';

/** A minimal in-memory stand-in for the HTTP API, for component tests (the e2e tests use the real server). */
export interface FakeServer {
  actions: Action[];
  events: ActionEvent[];
  tokens: Map<string, { name: string; role: Role }>;
  /** Single sign-on: offered when set; `session` is the person of this browser's cookie (if any). */
  sso: { available: boolean; session: { name: string; role: Role; csrf: string } | null } | null;
  requests: Array<{ method: string; path: string; headers: Record<string, string>; body: unknown }>;
  /** Pushes one SSE frame to every open stream. */
  emit: (action: Action, eventType: ActionEvent['event_type']) => void;
  api: (token?: () => string | null) => FarameshApi;
  fetch: typeof fetch;
}

let seq = 0;

export function makeAction(overrides: Partial<Action> = {}): Action {
  const now = new Date().toISOString();
  return {
    id: crypto.randomUUID(),
    agent_id: 'agent-1',
    tool: 'shell',
    operation: 'run',
    params: { cmd: 'ls' },
    context: {},
    status: 'pending_approval',
    decision: 'require_approval',
    reason: 'Shell commands require approval',
    reason_code: 'rule_require_approval',
    risk_level: 'medium',
    risk_rule: null,
    matched_rule: { index: 1, description: 'Shell commands require approval' },
    policy_version: '1',
    policy_hash: 'a'.repeat(64),
    request_hash: 'b'.repeat(64),
    approval_token: 'tok-approve',
    approval_expires_at: null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: null,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: now,
    updated_at: now,
    version: 1,
    approvals_required: 1,
    approvals: [],
    waiting_for: { any_approver: true, approvers: [], identities: [], runtime_groups: [], text: 'any approver' },
    escalation_step: 0,
    escalation_steps: 0,
    next_escalation_at: null,
    ...overrides,
  };
}

export function makeEvent(
  action: Action,
  eventType: ActionEvent['event_type'],
  meta: Record<string, unknown> = {},
): ActionEvent {
  seq++;
  return {
    id: `ev-${seq}`,
    seq,
    action_id: action.id,
    event_type: eventType,
    meta,
    created_at: new Date().toISOString(),
    hash: '',
    prev_hash: '',
  };
}

export function createFakeServer(
  options: { tokens?: Record<string, { name: string; role: Role }>; sso?: FakeServer['sso'] } = {},
): FakeServer {
  const tokens = new Map(Object.entries(options.tokens ?? {}));
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  const server: FakeServer = {
    actions: [],
    events: [],
    tokens,
    sso: options.sso ?? null,
    requests: [],
    emit(action, eventType) {
      const event = makeEvent(action, eventType);
      server.events.push(event);
      const { approval_token: _hidden, ...wire } = action;
      const frame = `id: ${event.seq}\nevent: action.${eventType}\ndata: ${JSON.stringify({ action: wire, event })}\n\n`;
      for (const controller of streams) controller.enqueue(encoder.encode(frame));
    },
    api(token = () => null) {
      return new FarameshApi(new HttpClient({ getToken: token, fetch: server.fetch }));
    },
    fetch: async (input, init) => {
      const url = new URL(String(input), 'http://localhost');
      const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : null;
      const method = init?.method ?? 'GET';
      server.requests.push({ method, path: url.pathname + url.search, headers, body });
      const json = (status: number, value: unknown) =>
        new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
      const auth = headers.Authorization?.replace(/^Bearer /, '');
      const session = server.sso?.session ?? null;
      if (url.pathname === '/auth/config') {
        const sso = server.sso;
        return json(200, {
          token_login: true,
          sso: { enabled: sso !== null, available: sso?.available ?? false, login_url: sso ? '/auth/login' : null },
        });
      }
      if (url.pathname === '/auth/session') {
        if (session === null)
          return json(401, { error: { code: 'unauthorized', message: 'no session', details: null } });
        return json(200, {
          name: session.name,
          role: session.role,
          groups: [],
          source: 'oidc',
          csrf_token: session.csrf,
        });
      }
      if (url.pathname === '/auth/logout') {
        if (server.sso !== null) server.sso.session = null;
        return json(200, { logged_out: session !== null, end_session_url: null });
      }
      // Like the server: a cookie session's writes need its CSRF token.
      if (auth === undefined && session !== null && method !== 'GET' && headers['X-Faramesh-CSRF'] !== session.csrf) {
        return json(403, { error: { code: 'csrf_token_invalid', message: 'csrf token missing', details: null } });
      }
      const who =
        tokens.size === 0 && server.sso === null
          ? { name: 'anonymous', role: 'admin' as Role }
          : auth === undefined
            ? (session ?? undefined)
            : tokens.get(auth);
      if (who === undefined)
        return json(401, { error: { code: 'unauthorized', message: 'token required', details: null } });
      const visible = (action: Action) =>
        who.role === 'agent' ? (({ approval_token: _t, ...rest }) => rest)(action) : action;
      const path = url.pathname;
      if (path === '/v1/auth/whoami') {
        const source = auth === undefined && session !== null ? 'oidc' : 'env';
        return json(200, {
          name: who.name,
          role: who.role,
          open_mode: tokens.size === 0 && server.sso === null,
          source,
        });
      }
      if (path === '/v1/events') {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            streams.add(controller);
            controller.enqueue(encoder.encode(': connected\n\n'));
            init?.signal?.addEventListener('abort', () => {
              streams.delete(controller);
              controller.error(new DOMException('aborted', 'AbortError'));
            });
          },
        });
        return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
      }
      if (path === '/v1/actions') {
        const status = url.searchParams.get('status');
        const items = server.actions.filter((a) => status === null || a.status === status);
        const limit = Number(url.searchParams.get('limit') ?? 20);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        return json(200, {
          items: items.slice(offset, offset + limit).map(visible),
          total: items.length,
          limit,
          offset,
          next_cursor: null,
        });
      }
      const match = /^\/v1\/actions\/([^/]+)(?:\/(events|explain|approval))?$/.exec(path);
      const action = match === null ? undefined : server.actions.find((a) => a.id === match[1]);
      if (match === null || action === undefined)
        return json(404, { error: { code: 'action_not_found', message: 'no such action', details: null } });
      switch (match[2]) {
        case undefined:
          return json(200, visible(action));
        case 'events':
          return json(
            200,
            server.events.filter((e) => e.action_id === action.id),
          );
        case 'explain':
          return json(200, {
            action: visible(action),
            decided_by_current_policy: true,
            explanation: {
              rules: [],
              risk: [],
              matched_rule: null,
              reason_code: 'rule_deny',
              normalized_command: null,
            },
          });
        case 'approval': {
          if (who.role === 'agent')
            return json(403, { error: { code: 'forbidden', message: 'agents cannot decide', details: null } });
          const request = body as { token: string; approve: boolean; reason?: string };
          if (action.status !== 'pending_approval')
            return json(409, { error: { code: 'invalid_transition', message: 'not pending', details: null } });
          if (request.token !== action.approval_token)
            return json(403, { error: { code: 'approval_token_invalid', message: 'bad token', details: null } });
          Object.assign(action, {
            status: request.approve ? 'approved' : 'denied',
            approval_decided_by: who.name,
            approval_decided_at: new Date().toISOString(),
            approval_reason: request.reason ?? null,
            version: action.version + 1,
            updated_at: new Date().toISOString(),
          });
          server.emit(action, request.approve ? 'approved' : 'denied');
          return json(200, visible(action));
        }
        default:
          return json(404, { error: { code: 'not_found', message: 'not found', details: null } });
      }
    },
  };
  return server;
}
