import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const submit = (body: unknown, headers: Record<string, string> = {}) =>
  server.app.inject({ method: 'POST', url: '/v1/actions', payload: body as object, headers });

const shell = { agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'ls /tmp' } };

describe('POST /v1/actions', () => {
  it('allows a matching action and records created + decision_made', async () => {
    const res = await submit({ agent_id: 'a1', tool: 'http', operation: 'get', params: { url: 'https://x.test' } });
    expect(res.statusCode).toBe(201);
    const action = res.json();
    expect(action).toMatchObject({
      status: 'allowed',
      decision: 'allow',
      reason: 'Allow HTTP GET requests',
      risk_level: 'low',
      matched_rule: { index: 0 },
      version: 1,
    });
    expect(action.request_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(action.policy_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.headers.location).toBe(`/v1/actions/${action.id}`);
    const events = (await server.app.inject({ url: `/v1/actions/${action.id}/events` })).json();
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['created', 'decision_made']);
  });

  it('denies by default and explains why', async () => {
    const res = await submit({ agent_id: 'a1', tool: 'ftp', operation: 'put' });
    expect(res.json()).toMatchObject({ status: 'denied', decision: 'deny', risk_level: 'high' });
  });

  it('takes agent_id from context as the seed Python SDK sends it', async () => {
    const res = await submit({ tool: 'http', operation: 'get', params: {}, context: { agent_id: 'py' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().agent_id).toBe('py');
  });

  it('upgrades a high-risk action to require approval with a token', async () => {
    const res = await submit({ ...shell, params: { cmd: 'rm -rf /var' } });
    const action = res.json();
    expect(action).toMatchObject({ status: 'pending_approval', decision: 'require_approval', risk_level: 'high' });
    expect(action.approval_token).toEqual(expect.any(String));
    expect(action.approval_expires_at).toEqual(expect.any(String));
  });

  it.each([
    ['non-JSON', '{"tool": ', 'invalid_json', 400],
    ['NaN', '{"agent_id":"a","tool":"x","operation":"y","params":{"n":NaN}}', 'invalid_json', 400],
    ['a missing tool', JSON.stringify({ agent_id: 'a', operation: 'y' }), 'validation_failed', 400],
    ['an empty agent_id', JSON.stringify({ agent_id: '', tool: 'x', operation: 'y' }), 'validation_failed', 400],
    ['a blank operation', JSON.stringify({ agent_id: 'a', tool: 'x', operation: '   ' }), 'validation_failed', 400],
    [
      'an unknown field',
      JSON.stringify({ agent_id: 'a', tool: 'x', operation: 'y', extra: 1 }),
      'validation_failed',
      400,
    ],
    ['a wrong type', JSON.stringify({ agent_id: 'a', tool: 1, operation: 'y' }), 'validation_failed', 400],
    [
      'params as an array',
      JSON.stringify({ agent_id: 'a', tool: 'x', operation: 'y', params: [] }),
      'validation_failed',
      400,
    ],
    ['no agent at all', JSON.stringify({ tool: 'x', operation: 'y' }), 'validation_failed', 400],
    [
      'a __proto__ key',
      '{"agent_id":"a","tool":"x","operation":"y","params":{"__proto__":{"a":1}}}',
      'invalid_json',
      400,
    ],
  ])('rejects %s with a JSON error', async (_name, payload, code, status) => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatchObject({ code, message: expect.any(String) });
    expect((await server.app.inject({ url: '/v1/actions' })).json().total).toBe(0);
  });

  it('rejects deeply nested bodies', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i += 1) deep = { d: deep };
    const res = await submit({ agent_id: 'a', tool: 'x', operation: 'y', params: deep });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('body_too_deep');
  });

  it('rejects oversized bodies with 413', async () => {
    const res = await submit({ agent_id: 'a', tool: 'x', operation: 'y', params: { blob: 'x'.repeat(1_100_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('rejects other media types with 415', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: 'tool=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('honours Idempotency-Key: a retry returns the same action, a different body conflicts', async () => {
    const first = await submit(shell, { 'idempotency-key': 'k-1' });
    const again = await submit(shell, { 'idempotency-key': 'k-1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    const other = await submit({ ...shell, params: { cmd: 'ls /' } }, { 'idempotency-key': 'k-1' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('idempotency_conflict');
    expect((await server.app.inject({ url: '/v1/actions' })).json().total).toBe(1);
  });
});

describe('GET /v1/actions', () => {
  it('filters, paginates with offset and with a cursor, and counts the total', async () => {
    for (let i = 0; i < 5; i += 1)
      await submit({ agent_id: `a${i % 2}`, tool: 'http', operation: 'get', params: { i } });
    await submit(shell);
    const all = (await server.app.inject({ url: '/v1/actions?limit=2' })).json();
    expect(all.total).toBe(6);
    expect(all.items).toHaveLength(2);
    expect(all.next_cursor).toEqual(expect.any(String));
    const next = (await server.app.inject({ url: `/v1/actions?limit=2&cursor=${all.next_cursor}` })).json();
    expect(next.items.map((a: { id: string }) => a.id)).not.toContain(all.items[0].id);
    const offset = (await server.app.inject({ url: '/v1/actions?limit=2&offset=2' })).json();
    expect(offset.items.map((a: { id: string }) => a.id)).toEqual(next.items.map((a: { id: string }) => a.id));
    const pending = (await server.app.inject({ url: '/v1/actions?status=pending_approval' })).json();
    expect(pending.total).toBe(1);
    const agent = (await server.app.inject({ url: '/v1/actions?agent_id=a1&tool=http' })).json();
    expect(agent.total).toBe(2);
  });

  it('rejects bad query values', async () => {
    for (const query of [
      'limit=0',
      'limit=abc',
      'status=nope',
      'risk_level=x',
      'since=yesterday',
      'cursor=zzz',
      'bogus=1',
    ]) {
      const res = await server.app.inject({ url: `/v1/actions?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toMatch(/validation_failed|invalid_cursor/);
    }
  });
});

describe('GET /v1/actions/:id', () => {
  it('resolves a unique prefix and refuses one that is too short', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) ids.push((await submit({ ...shell, params: { i } })).json().id);
    const [first] = ids;
    expect((await server.app.inject({ url: `/v1/actions/${first!.slice(0, 8)}` })).json().id).toBe(first);
    const tooShort = await server.app.inject({ url: `/v1/actions/${first![0]}` });
    expect(tooShort.json().error.code).toBe('invalid_id');
  });

  it('answers 404 for unknown ids and 400 for ids that are not ids', async () => {
    const missing = await server.app.inject({ url: '/v1/actions/00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('action_not_found');
    const bad = await server.app.inject({ url: '/v1/actions/not-an-id' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_id');
    const approve = await server.app.inject({
      method: 'POST',
      url: '/v1/actions/abc/approval',
      payload: { token: 't', approve: true },
    });
    expect(approve.json().error.code).toBe('invalid_id');
  });
});

describe('lifecycle', () => {
  it('runs pending → approved → executing → succeeded with one event each', async () => {
    const a = (await submit(shell)).json();
    const approve = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/approval`,
      payload: { token: a.approval_token, approve: true, reason: 'Looks safe', request_hash: a.request_hash },
    });
    expect(approve.statusCode).toBe(200);
    expect(approve.json()).toMatchObject({
      status: 'approved',
      approval_decided_by: 'anonymous',
      approval_reason: 'Looks safe',
      approval_token: null,
    });
    const started = await server.app.inject({ method: 'POST', url: `/v1/actions/${a.id}/start` });
    expect(started.json().status).toBe('executing');
    const done = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/result`,
      payload: { success: true },
    });
    expect(done.json()).toMatchObject({ status: 'succeeded', version: 4 });
    const events = (await server.app.inject({ url: `/v1/actions/${a.id}/events` })).json();
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual([
      'created',
      'decision_made',
      'approved',
      'started',
      'succeeded',
    ]);
  });

  it('refuses a result for a pending action and any move from a terminal status', async () => {
    const a = (await submit(shell)).json();
    const early = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/result`,
      payload: { success: true },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'invalid_transition', details: { status: 'pending_approval' } });
    await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/approval`,
      payload: { token: a.approval_token, approve: false },
    });
    const afterDeny = await server.app.inject({ method: 'POST', url: `/v1/actions/${a.id}/start` });
    expect(afterDeny.statusCode).toBe(409);
  });

  it('records the implied start when a result comes straight after allow', async () => {
    const a = (await submit({ agent_id: 'a', tool: 'http', operation: 'get' })).json();
    const res = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/result`,
      payload: { success: false, error: 'timeout' },
    });
    expect(res.json()).toMatchObject({ status: 'failed', result_error: 'timeout' });
    const events = (await server.app.inject({ url: `/v1/actions/${a.id}/events` })).json();
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual([
      'created',
      'decision_made',
      'started',
      'failed',
    ]);
  });

  it('rejects a wrong token, and the token works only once', async () => {
    const a = (await submit(shell)).json();
    const wrong = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/approval`,
      payload: { token: `${a.approval_token}x`, approve: true },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('approval_token_invalid');
    const hash = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/approval`,
      payload: { token: a.approval_token, approve: true, request_hash: '0'.repeat(64) },
    });
    expect(hash.json().error.code).toBe('approval_token_invalid');
    const ok = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/approval`,
      payload: { token: a.approval_token, approve: true },
    });
    expect(ok.statusCode).toBe(200);
    const reuse = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${a.id}/approval`,
      payload: { token: a.approval_token, approve: false },
    });
    expect(reuse.statusCode).toBe(409);
    expect((await server.app.inject({ url: `/v1/actions/${a.id}` })).json().status).toBe('approved');
  });

  it('lets exactly one of 100 concurrent approve/deny calls win', async () => {
    const a = (await submit(shell)).json();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        server.app.inject({
          method: 'POST',
          url: `/v1/actions/${a.id}/approval`,
          payload: { token: a.approval_token, approve: i % 2 === 0 },
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(99);
    const events = (await server.app.inject({ url: `/v1/actions/${a.id}/events` })).json();
    expect(
      events.filter((e: { event_type: string }) => e.event_type === 'approved' || e.event_type === 'denied'),
    ).toHaveLength(1);
  });

  it('replays an action as a new one under the current policy', async () => {
    const a = (await submit(shell)).json();
    const res = await server.app.inject({ method: 'POST', url: `/v1/actions/${a.id}/replay` });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ tool: 'shell', status: 'pending_approval', context: { replay_of: a.id } });
    expect(res.json().id).not.toBe(a.id);
  });
});

describe('playground, policy and probes', () => {
  it('evaluates without storing anything', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/playground/eval',
      payload: { tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } },
    });
    expect(res.json()).toMatchObject({
      decision: 'require_approval',
      risk_level: 'high',
      risk_rule: 'dangerous_shell',
    });
    expect(res.json().explanation.rules.length).toBeGreaterThan(0);
    expect((await server.app.inject({ url: '/v1/actions' })).json().total).toBe(0);
  });

  it('shows the commands a shell command line would run', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/playground/eval',
      payload: { tool: 'shell', operation: 'run', params: { cmd: "ls $(r'm' -r -f /)" } },
    });
    expect(res.json().explanation.normalized_command).toBe("ls $(r'm' -r -f /) ; rm -r -f /");
    expect(res.json().explanation.shell).toEqual({
      commands: [
        { name: 'ls', path: 'ls', args: ["$(r'm' -r -f /)"], dynamic_args: true, assignments: [], via: [] },
        { name: 'rm', path: 'rm', args: ['-r', '-f', '/'], dynamic_args: false, assignments: [], via: ['$(…)'] },
      ],
      redirects: [],
      complete: true,
      problems: [],
    });
  });

  it('evaluates against a pasted policy and lists its problems when invalid', async () => {
    const ok = await server.app.inject({
      method: 'POST',
      url: '/playground/eval',
      payload: { tool: 'x', operation: 'y', policy: 'rules:\n  - match: { tool: x }\n    allow: true\n' },
    });
    expect(ok.json().decision).toBe('allow');
    const bad = await server.app.inject({
      method: 'POST',
      url: '/playground/eval',
      payload: { tool: 'x', operation: 'y', policy: 'rules:\n  - match: { tool: x }\n    allow: yes please\n' },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.diagnostics[0]).toMatchObject({
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it('reports readiness with the database and policy checks', async () => {
    const res = await server.app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ready: true,
      checks: { database: { ok: true, backend: 'memory' }, policy: { ok: true } },
    });
  });

  it('counts requests, errors and actions in /metrics', async () => {
    await submit(shell);
    await server.app.inject({ url: '/v1/actions/nope' });
    const text = (await server.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/faramesh_requests_total\{method="POST",endpoint="\/v1\/actions",status="201"\} 1/);
    expect(text).toMatch(/faramesh_errors_total\{error_type="invalid_id"\} 1/);
    expect(text).toMatch(/faramesh_actions_total\{status="pending_approval",tool="shell"\} 1/);
    expect(text).toContain('faramesh_action_duration_seconds');
    expect(text).toMatch(/faramesh_pending_approvals 1/);
    expect(text).toMatch(/faramesh_actions_by_status\{status="pending_approval"\} 1/);
  });

  it('answers unknown routes with a JSON 404 and publishes an OpenAPI document', async () => {
    const res = await server.app.inject({ url: '/v2/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    const doc = (await server.app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/actions', '/v1/actions/{id}/approval']));
  });

  it('refuses cross-site writes from browsers', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: shell,
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('shutdown', () => {
  it('answers a pending long-poll at once when the server closes', async () => {
    const a = (await submit(shell)).json();
    const waiting = server.app.inject({ url: `/v1/actions/${a.id}/wait?timeout_ms=60000` });
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    const res = await waiting;
    await closing;
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('pending_approval');
  });
});

describe('event stream limits', () => {
  it('refuses streams beyond FARAMESH_MAX_STREAMS with 429', async () => {
    await server.close();
    server = await startTestServer({ env: { FARAMESH_MAX_STREAMS: '1' } });
    const { url } = await server.listen();
    const first = await fetch(`${url}/v1/events`);
    expect(first.status).toBe(200);
    const second = await fetch(`${url}/v1/events`);
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    await first.body?.cancel();
  });
});
