import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const BOT = 'agent-bot-333';
const OTHER = 'agent-other-444';
const ADMIN = 'admin-token-000';
const tokens = {
  FARAMESH_TOKEN: ADMIN,
  FARAMESH_TOKENS: `bot:agent:${BOT},other:agent:${OTHER}`,
  FARAMESH_AGENT_BINDINGS: 'bot=a,other=a',
};

const action = (size = 10) => ({ agent_id: 'a', tool: 'http', operation: 'get', params: { blob: 'x'.repeat(size) } });

async function start(env: Record<string, string>): Promise<Server> {
  server = await startTestServer({ env });
  return server;
}

const submit = (s: Server, token: string | null, payload: object, extra: Record<string, unknown> = {}) =>
  s.app.inject({
    method: 'POST',
    url: '/v1/actions',
    payload,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...extra,
  });

describe('per-caller body limits', () => {
  it('refuses a body over its role limit with 413 payload_too_large, while other roles keep the global limit', async () => {
    const s = await start({ ...tokens, FARAMESH_ROLE_MAX_BODY_BYTES: 'agent:2048' });
    const res = await submit(s, BOT, action(4000));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'payload_too_large', details: { limit_bytes: 2048 } });
    expect((await submit(s, BOT, action(1000))).statusCode).toBe(201);
    expect((await submit(s, ADMIN, action(4000))).statusCode).toBe(201);
  });

  it('applies a principal limit over its role limit, never above the global one', async () => {
    const s = await start({
      ...tokens,
      FARAMESH_MAX_BODY_BYTES: '8192',
      FARAMESH_ROLE_MAX_BODY_BYTES: 'agent:4096',
      FARAMESH_PRINCIPAL_MAX_BODY_BYTES: 'bot:1024,other:100000',
    });
    expect((await submit(s, BOT, action(2000))).statusCode).toBe(413);
    expect((await submit(s, OTHER, action(6000))).statusCode).toBe(201);
    expect((await submit(s, OTHER, action(9000))).json().error.code).toBe('payload_too_large');
  });

  it('refuses a chunked body (no Content-Length) once it passes the limit', async () => {
    const s = await start({ ...tokens, FARAMESH_ROLE_MAX_BODY_BYTES: 'agent:2048' });
    const body = JSON.stringify(action(4000));
    const res = await submit(s, BOT, Readable.from([body.slice(0, 1000), body.slice(1000)]) as never, {
      headers: { authorization: `Bearer ${BOT}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('refuses invalid limit settings at start, naming the variable', async () => {
    await expect(start({ FARAMESH_ROLE_MAX_BODY_BYTES: 'robot:2048' })).rejects.toThrow(/FARAMESH_ROLE_MAX_BODY_BYTES/);
    await expect(start({ FARAMESH_PRINCIPAL_MAX_BODY_BYTES: 'bot' })).rejects.toThrow(/name:bytes/);
  });
});

describe('per-caller rate limit', () => {
  it('answers 429 rate_limited with Retry-After once a principal spends its burst; others are unaffected', async () => {
    const s = await start({ ...tokens, FARAMESH_RATE_LIMIT: '1', FARAMESH_RATE_BURST: '3' });
    for (let i = 0; i < 3; i++) expect((await submit(s, BOT, action())).statusCode).toBe(201);
    const refused = await submit(s, BOT, action());
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'rate_limited', details: { retry_after_seconds: 1 } });
    expect(refused.headers['retry-after']).toBe('1');
    expect((await submit(s, OTHER, action())).statusCode).toBe(201);
    const metrics = (await s.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('faramesh_limit_rejections_total{limit="rate_limited"} 1');
    expect(metrics).toContain('faramesh_rate_limiter_callers 2');
  });

  it('charges large bodies more: one token plus one per 64 KiB', async () => {
    const s = await start({ ...tokens, FARAMESH_RATE_LIMIT: '1', FARAMESH_RATE_BURST: '20' });
    // ~300 KB costs 5 tokens: four of them fit in a burst of 20, the fifth doesn't.
    for (let i = 0; i < 4; i++) expect((await submit(s, BOT, action(300_000))).statusCode).toBe(201);
    const refused = await submit(s, BOT, action(300_000));
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(5);
  });

  it('limits each client address separately in open mode', async () => {
    const s = await start({ FARAMESH_RATE_LIMIT: '1', FARAMESH_RATE_BURST: '2' });
    const from = (ip: string) => submit(s, null, action(), { remoteAddress: ip });
    expect((await from('10.0.0.1')).statusCode).toBe(201);
    expect((await from('10.0.0.1')).statusCode).toBe(201);
    expect((await from('10.0.0.1')).statusCode).toBe(429);
    expect((await from('10.0.0.2')).statusCode).toBe(201);
  });

  it('is off with FARAMESH_RATE_LIMIT=0', async () => {
    const s = await start({ FARAMESH_RATE_LIMIT: '0', FARAMESH_RATE_BURST: '1' });
    for (let i = 0; i < 5; i++) expect((await submit(s, null, action())).statusCode).toBe(201);
  });
});

describe('in-flight body budget', () => {
  it('answers 503 server_busy while other bodies fill the server-wide budget, and recovers when they finish', async () => {
    const s = await start({ FARAMESH_MAX_INFLIGHT_BYTES: String(64 * 1024) });
    const { port } = await s.listen();
    // A client that declares 60,000 bytes and sends them slowly holds that much of the budget.
    const slow = connect(port, '127.0.0.1');
    await new Promise((r) => slow.once('connect', r));
    const body = JSON.stringify(action(60_000 - 80)).padEnd(60_000, ' ');
    slow.write(
      `POST /v1/actions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 100)}`,
    );
    let answer = '';
    slow.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    await new Promise((r) => setTimeout(r, 100));
    const busy = await fetch(`http://127.0.0.1:${port}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(action(8000)),
    });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('server_busy');
    slow.end(body.slice(100));
    await new Promise<void>((r) => slow.once('end', () => r()));
    expect(answer).toMatch(/^HTTP\/1.1 201/);
    const after = await fetch(`http://127.0.0.1:${port}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(action(8000)),
    });
    expect(after.status).toBe(201);
    expect(s.context.requestLimits.inflight.held).toBe(0);
  });
});

describe('long-polls', () => {
  it('refuses more than FARAMESH_MAX_WAITERS open long-polls with 429', async () => {
    const s = await start({ FARAMESH_MAX_WAITERS: '1' });
    const pending = (
      await submit(s, null, { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'ls' } })
    ).json();
    const first = s.app.inject({ url: `/v1/actions/${pending.id}/wait?timeout_ms=300` });
    await new Promise((r) => setTimeout(r, 50));
    const second = await s.app.inject({ url: `/v1/actions/${pending.id}/wait?timeout_ms=300` });
    expect(second.statusCode).toBe(429);
    expect(second.json().error.code).toBe('rate_limited');
    expect((await first).statusCode).toBe(200);
    expect((await s.app.inject({ url: `/v1/actions/${pending.id}/wait?timeout_ms=0` })).statusCode).toBe(200);
  });
});
