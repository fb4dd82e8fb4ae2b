import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Action } from '@faramesh/contract';
import { describe, expect, it } from 'vitest';
import { FarameshClient } from './client.js';
import { AmbiguousPrefixError, ConnectionError, FarameshError, TimeoutError } from './errors.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Responder = (call: Call, n: number) => Response | Promise<Response>;

function fakeFetch(responder: Responder) {
  const calls: Call[] = [];
  const fn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const signal = init?.signal;
    if (signal?.aborted) throw signal.reason;
    // Like real fetch: a pending request rejects when its signal aborts.
    return Promise.race([
      responder(call, calls.length),
      new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
    ]);
  };
  return { fn: fn as typeof fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const error = (status: number, code: string, message = code, details: unknown = null) =>
  json(status, { error: { code, message, details } });

function action(overrides: Partial<Action> = {}): Action {
  return {
    id: '2755d4a8-1000-47e6-873c-b9fd535234ad',
    agent_id: 'a',
    tool: 'shell',
    operation: 'run',
    params: {},
    context: {},
    status: 'pending_approval',
    decision: 'require_approval',
    reason: null,
    reason_code: 'rule_require_approval',
    risk_level: 'medium',
    risk_rule: null,
    matched_rule: null,
    policy_version: 'v1',
    policy_hash: 'h',
    request_hash: 'f'.repeat(64),
    approval_token: 'tok',
    approval_expires_at: null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: null,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: '2026-01-12T10:00:00Z',
    updated_at: '2026-01-12T10:00:00Z',
    version: 1,
    approvals_required: 1,
    approvals: [],
    waiting_for: null,
    escalation_step: 0,
    escalation_steps: 0,
    next_escalation_at: null,
    ...overrides,
  };
}

const noSleep = async () => {};

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function client(responder: Responder, extra: Record<string, unknown> = {}) {
  const f = fakeFetch(responder);
  const c = new FarameshClient({ baseUrl: 'http://gate.test/', token: 't0k', fetch: f.fn, sleep: noSleep, ...extra });
  return { c, calls: f.calls };
}

describe('FarameshClient', () => {
  it('accepts a base URL string, as the seed example does', () => {
    expect(new FarameshClient('http://127.0.0.1:9000/').baseUrl).toBe('http://127.0.0.1:9000');
  });

  it('sends the bearer token and builds query strings without empty values', async () => {
    const { c, calls } = client(() => json(200, { items: [], total: 0, limit: 5, offset: 0, next_cursor: null }));
    await c.listActions({ limit: 5, status: 'denied' });
    expect(calls[0]?.url).toBe('http://gate.test/v1/actions?limit=5&status=denied');
    expect(calls[0]?.headers.authorization).toBe('Bearer t0k');
  });

  it('submits with an Idempotency-Key and retries with the same key after a lost answer', async () => {
    const { c, calls } = client((_call, n) => {
      if (n === 1)
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) });
      return json(201, action());
    });
    await c.submitAction({ agent_id: 'a', tool: 'shell', operation: 'run' });
    expect(calls).toHaveLength(2);
    const key = calls[0]?.headers['idempotency-key'];
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[1]?.headers['idempotency-key']).toBe(key);
  });

  it('uses a new key for each logical submit', async () => {
    const { c, calls } = client(() => json(201, action()));
    await c.submitAction({ agent_id: 'a', tool: 't', operation: 'o' });
    await c.submitAction({ agent_id: 'a', tool: 't', operation: 'o' });
    expect(calls[0]?.headers['idempotency-key']).not.toBe(calls[1]?.headers['idempotency-key']);
  });

  it('never retries other POSTs', async () => {
    const { c, calls } = client(() => error(503, 'store_unavailable'));
    await expect(c.start('x')).rejects.toMatchObject({ code: 'store_unavailable', status: 503 });
    await expect(c.reportResult('x', true)).rejects.toBeInstanceOf(FarameshError);
    await expect(c.replay('x')).rejects.toBeInstanceOf(FarameshError);
    expect(calls).toHaveLength(3);
  });

  it('retries GETs on 503 and connection errors, but not on 4xx', async () => {
    const flaky = client((_c, n) => (n < 3 ? error(503, 'not_ready') : json(200, action())));
    await flaky.c.getAction('2755');
    expect(flaky.calls).toHaveLength(3);
    const missing = client(() => error(404, 'action_not_found', 'no action 2755'));
    await expect(missing.c.getAction('2755')).rejects.toMatchObject({ code: 'action_not_found', status: 404 });
    expect(missing.calls).toHaveLength(1);
  });

  it('gives up after the configured retries', async () => {
    const { c, calls } = client(() => error(502, 'internal_error'), { retries: 1 });
    await expect(c.health()).rejects.toMatchObject({ status: 502 });
    expect(calls).toHaveLength(2);
  });

  it('rebuilds typed errors from the server codes', async () => {
    const details = { candidates: [{ id: 'aa11', tool: 't', operation: 'o', status: 'allowed', created_at: 'x' }] };
    const { c } = client(() => error(409, 'ambiguous_prefix', 'prefix aa matches 2 actions', details));
    const err = await c.getAction('aa').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousPrefixError);
    expect((err as AmbiguousPrefixError).candidates[0]?.id).toBe('aa11');
    expect((err as AmbiguousPrefixError).message).toBe('prefix aa matches 2 actions');
  });

  it('maps a non-JSON error answer to a code from its status', async () => {
    const { c } = client(() => new Response('Bad gateway', { status: 401 }));
    await expect(c.whoami()).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('throws ConnectionError naming the URL when the server is unreachable', async () => {
    const port = await closedPort();
    const c = new FarameshClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
    const err = await c.health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).url).toBe(`http://127.0.0.1:${port}/health`);
    expect((err as ConnectionError).message).toContain('ECONNREFUSED');
  });

  it('throws TimeoutError when no answer arrives in time', async () => {
    const { c } = client(
      (call) =>
        new Promise<Response>(() => {
          void call;
        }),
      { timeoutMs: 20, retries: 0 },
    );
    await expect(c.health()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('approve fetches the token and request hash, then posts to the full id', async () => {
    const { c, calls } = client((call) =>
      call.method === 'GET' ? json(200, action()) : json(200, action({ status: 'approved' })),
    );
    const result = await c.approve('2755d4a8', { reason: 'ok' });
    expect(result.status).toBe('approved');
    expect(calls[1]?.url).toBe('http://gate.test/v1/actions/2755d4a8-1000-47e6-873c-b9fd535234ad/approval');
    expect(calls[1]?.body).toEqual({ token: 'tok', approve: true, reason: 'ok', request_hash: 'f'.repeat(64) });
  });

  it('deny with an explicit token posts directly', async () => {
    const { c, calls } = client(() => json(200, action({ status: 'denied' })));
    await c.deny('abc', { token: 'tk' });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toEqual({ token: 'tk', approve: false });
  });

  it('refuses to approve an action that is not pending, and says why without a token', async () => {
    const done = client(() => json(200, action({ status: 'allowed', approval_token: null })));
    await expect(done.c.approve('x')).rejects.toMatchObject({ code: 'not_pending' });
    const { approval_token: _hidden, ...agentView } = action();
    const hidden = client(() => json(200, agentView));
    await expect(hidden.c.approve('x')).rejects.toMatchObject({ code: 'approval_token_unavailable' });
  });

  it('waitForDecision long-polls until the action leaves pending_approval', async () => {
    const { c, calls } = client((_call, n) => json(200, action(n < 3 ? {} : { status: 'approved' })));
    const decided = await c.waitForDecision('x', { timeoutMs: 120_000 });
    expect(decided.status).toBe('approved');
    expect(calls).toHaveLength(3);
    expect(calls[0]?.url).toMatch(/\/v1\/actions\/x\/wait\?timeout_ms=60000$/);
  });

  it('waitForDecision fails closed with TimeoutError when nothing is decided', async () => {
    const { c } = client(() => json(200, action()));
    await expect(c.waitForDecision('x', { timeoutMs: 0 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('ready answers a 503 body instead of throwing', async () => {
    const { c } = client(() => json(503, { ready: false, checks: { database: { ok: false } } }));
    await expect(c.ready()).resolves.toMatchObject({ ready: false });
  });

  it('reads FARAMESH_BASE_URL and FARAMESH_TOKEN when not given', async () => {
    const saved = { ...process.env };
    process.env.FARAMESH_BASE_URL = 'http://env.test:1234/';
    process.env.FARAMESH_TOKEN = 'first,second';
    try {
      const f = fakeFetch(() => json(200, { status: 'ok' }));
      const c = new FarameshClient({ fetch: f.fn });
      await c.health();
      expect(f.calls[0]?.url).toBe('http://env.test:1234/health');
      expect(f.calls[0]?.headers.authorization).toBe('Bearer first');
    } finally {
      process.env = saved;
    }
  });
});
