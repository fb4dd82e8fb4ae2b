import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

const ROOT = 'env-admin-root-1';
const ANN = 'env-approver-ann-2';
const BOT = 'env-agent-bot-3';
const shell = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } };

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(() => server?.close());

let clock = Date.parse('2030-01-01T00:00:00.000Z');
async function start(
  env: Record<string, string> = { FARAMESH_TOKENS: `root:admin:${ROOT},ann:approver:${ANN},bot:agent:${BOT}` },
) {
  clock = Date.parse('2030-01-01T00:00:00.000Z');
  server = await startTestServer({ env, now: () => new Date(clock) });
  const app = server.app;
  return (token: string | null, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      ...(payload !== undefined && { payload }),
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
}

describe('database tokens over HTTP', () => {
  it('creates a token whose secret is shown once and authenticates as its name, role and groups', async () => {
    const call = await start();
    const res = await call(ROOT, 'POST', '/v1/tokens', {
      name: 'alice',
      role: 'approver',
      groups: ['finance', 'sre'],
      expires_in: '90d',
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json();
    expect(created).toMatchObject({
      name: 'alice',
      role: 'approver',
      groups: ['finance', 'sre'],
      agent_ids: null,
      created_by: 'root',
      created_at: '2030-01-01T00:00:00.000Z',
      expires_at: '2030-04-01T00:00:00.000Z',
      last_used_at: null,
      revoked_at: null,
      status: 'active',
    });
    expect(created.secret).toMatch(/^fm_[0-9A-Za-z]{49}$/);
    expect(created.prefix).toBe(created.secret.slice(0, 7));
    expect((await call(created.secret, 'GET', '/v1/auth/whoami')).json()).toEqual({
      name: 'alice',
      role: 'approver',
      open_mode: false,
      shared_identity: false,
      separation_of_duties: true,
      groups: ['finance', 'sre'],
      source: 'database',
      token_id: created.id,
      expires_at: '2030-04-01T00:00:00.000Z',
    });
    const listed = (await call(ROOT, 'GET', '/v1/tokens')).json();
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).not.toHaveProperty('secret');
    expect((await call(ROOT, 'GET', '/v1/tokens/alice')).json().id).toBe(created.id);
    expect((await call(ROOT, 'GET', `/v1/tokens/${created.id}`)).json().name).toBe('alice');
  });

  it('records the person, not the role, when a database token approves', async () => {
    const call = await start();
    const { secret } = (await call(ROOT, 'POST', '/v1/tokens', { name: 'alice', role: 'approver' })).json();
    const action = (await call(BOT, 'POST', '/v1/actions', shell)).json();
    const token = (await call(secret, 'GET', `/v1/actions/${action.id}`)).json().approval_token;
    const approved = await call(secret, 'POST', `/v1/actions/${action.id}/approval`, { token, approve: true });
    expect(approved.json()).toMatchObject({ status: 'approved', approval_decided_by: 'alice' });
    const events = (await call(ROOT, 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events[2]).toMatchObject({ event_type: 'approved', meta: { by: 'alice', role: 'approver' } });
  });

  it('binds a database agent token to its agent-id globs and records it as the submitter', async () => {
    const call = await start();
    const { secret } = (
      await call(ROOT, 'POST', '/v1/tokens', { name: 'etl', role: 'agent', agent_ids: ['etl-*'] })
    ).json();
    const ok = await call(secret, 'POST', '/v1/actions', { ...shell, agent_id: 'etl-nightly' });
    expect(ok.json()).toMatchObject({ agent_id: 'etl-nightly', submitted_by: 'etl' });
    const refused = await call(secret, 'POST', '/v1/actions', { ...shell, agent_id: 'bot' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('agent_id_not_allowed');
  });

  it('refuses a revoked token at once, by name or id, and frees the name', async () => {
    const call = await start();
    const first = (await call(ROOT, 'POST', '/v1/tokens', { name: 'alice', role: 'approver' })).json();
    expect((await call(first.secret, 'GET', '/v1/auth/whoami')).statusCode).toBe(200);
    const revoked = await call(ROOT, 'POST', '/v1/tokens/alice/revoke');
    expect(revoked.json()).toMatchObject({ id: first.id, status: 'revoked', revoked_by: 'root' });
    const refused = await call(first.secret, 'GET', '/v1/auth/whoami');
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('Bearer');
    expect(refused.json().error).toMatchObject({ code: 'unauthorized', details: { reason: 'token_revoked' } });
    // Revoking again (by id) keeps the first revocation; the name is free for a new token.
    expect((await call(ROOT, 'POST', `/v1/tokens/${first.id}/revoke`)).json().revoked_at).toBe(first.created_at);
    const second = await call(ROOT, 'POST', '/v1/tokens', { name: 'alice', role: 'approver' });
    expect(second.statusCode).toBe(201);
    expect((await call(second.json().secret, 'GET', '/v1/auth/whoami')).json().name).toBe('alice');
  });

  it('refuses an expired token from the instant it expires', async () => {
    const call = await start();
    const { secret } = (
      await call(ROOT, 'POST', '/v1/tokens', { name: 'temp', role: 'approver', expires_in: '1h' })
    ).json();
    clock += 3_600_000 - 1;
    expect((await call(secret, 'GET', '/v1/auth/whoami')).statusCode).toBe(200);
    clock += 1;
    const refused = await call(secret, 'GET', '/v1/auth/whoami');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.details).toEqual({ reason: 'token_expired' });
    expect((await call(ROOT, 'GET', '/v1/tokens/temp')).json().status).toBe('expired');
  });

  it('lets only admins manage tokens, database admins included', async () => {
    const call = await start();
    for (const token of [ANN, BOT]) {
      expect((await call(token, 'POST', '/v1/tokens', { name: 'x', role: 'agent' })).statusCode).toBe(403);
      expect((await call(token, 'GET', '/v1/tokens')).statusCode).toBe(403);
      expect((await call(token, 'POST', '/v1/tokens/x/revoke')).statusCode).toBe(403);
    }
    expect((await call(null, 'GET', '/v1/tokens')).statusCode).toBe(401);
    const admin = (await call(ROOT, 'POST', '/v1/tokens', { name: 'ops', role: 'admin' })).json();
    const made = await call(admin.secret, 'POST', '/v1/tokens', { name: 'dave', role: 'approver' });
    expect(made.json()).toMatchObject({ name: 'dave', created_by: 'ops' });
  });

  it('refuses names of environment tokens and of tokens not revoked with 409 token_name_taken', async () => {
    const call = await start({ FARAMESH_TOKEN: ROOT, FARAMESH_TOKENS: `ann:approver:${ANN}` });
    for (const name of ['admin', 'ann', 'anonymous']) {
      const res = await call(ROOT, 'POST', '/v1/tokens', { name, role: 'approver' });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'token_name_taken', details: { source: 'env' } });
    }
    expect((await call(ROOT, 'POST', '/v1/tokens', { name: 'carol', role: 'approver' })).statusCode).toBe(201);
    const again = await call(ROOT, 'POST', '/v1/tokens', { name: 'carol', role: 'admin' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details).toEqual({ name: 'carol', source: 'database' });
  });

  it('answers bad input with 400 validation_failed and an unknown token with 404', async () => {
    const call = await start();
    const bad: object[] = [
      { name: 'a*b', role: 'approver' },
      { name: 'a/b', role: 'approver' },
      { name: 'a b', role: 'approver' },
      { name: 'a,b', role: 'approver' },
      { name: 'a=b', role: 'approver' },
      { name: 'a|b', role: 'approver' },
      { name: '', role: 'approver' },
      { name: 'x'.repeat(65), role: 'approver' },
      { name: 'a\u0007b', role: 'approver' },
      { name: 'alice', role: 'root' },
      { name: 'alice' },
      { name: 'alice', role: 'approver', groups: ['fin ance'] },
      { name: 'alice', role: 'approver', agent_ids: ['bot-*'] },
      { name: 'alice', role: 'agent', agent_ids: [] },
      { name: 'alice', role: 'agent', agent_ids: ['a,b'] },
      { name: 'alice', role: 'approver', expires_in: '0d' },
      { name: 'alice', role: 'approver', expires_in: '-1d' },
      { name: 'alice', role: 'approver', expires_in: 'soon' },
      { name: 'alice', role: 'approver', expires_in: '400d' },
      { name: 'alice', role: 'approver', secret: 'fm_mine' },
    ];
    for (const body of bad) {
      const res = await call(ROOT, 'POST', '/v1/tokens', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    expect((await call(ROOT, 'GET', '/v1/tokens')).json().items).toEqual([]);
    const missing = await call(ROOT, 'POST', '/v1/tokens/nobody/revoke');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('token_not_found');
    expect((await call(ROOT, 'GET', '/v1/tokens?limit=0')).statusCode).toBe(400);
  });

  it('pages the token list in creation order', async () => {
    const call = await start();
    for (const name of ['a', 'b', 'c']) {
      await call(ROOT, 'POST', '/v1/tokens', { name, role: 'approver' });
      clock += 1000;
    }
    const first = (await call(ROOT, 'GET', '/v1/tokens?limit=2')).json();
    expect(first.items.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    const rest = (await call(ROOT, 'GET', `/v1/tokens?limit=2&after=${first.next_cursor}`)).json();
    expect(rest).toMatchObject({ items: [{ name: 'c' }], next_cursor: null });
  });

  it('writes the last use when the server closes, never on the request path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'faramesh-tokens-')), 'tokens.db');
    server = await startTestServer({
      env: { FARAMESH_TOKENS: `root:admin:${ROOT}` },
      store: createSqliteStore({ path }),
      now: () => new Date(clock),
    });
    const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      server!.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload && { payload }) });
    const { secret, id } = (await call(ROOT, 'POST', '/v1/tokens', { name: 'alice', role: 'approver' })).json();
    expect((await call(secret, 'GET', '/v1/auth/whoami')).statusCode).toBe(200);
    expect((await server.context.store.tokens.get(id))?.last_used_at).toBeNull();
    await server.close();
    const reopened = createSqliteStore({ path });
    try {
      expect((await reopened.tokens.get(id))?.last_used_at).toBe(new Date(clock).toISOString());
    } finally {
      await reopened.close();
    }
  });
});

describe('event streams of database tokens', () => {
  it('closes the stream of a token within a heartbeat of its revocation, and keeps an env token’s open', async () => {
    const call = await start();
    const { secret } = (await call(ROOT, 'POST', '/v1/tokens', { name: 'alice', role: 'approver' })).json();
    const { url } = await server!.listen();
    const open = async (token: string) => {
      const res = await fetch(`${url}/v1/events`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      return reader;
    };
    const alice = await open(secret);
    const root = await open(ROOT);
    await call(ROOT, 'POST', '/v1/tokens/alice/revoke');
    const started = Date.now();
    // Heartbeats keep arriving until the re-check (every FARAMESH_SSE_HEARTBEAT_MS = 200 ms) ends it.
    for (;;) {
      const chunk = await alice.read();
      if (chunk.done) break;
    }
    expect(Date.now() - started).toBeLessThan(2000);
    const stillOpen = await Promise.race([
      root.read().then((chunk) => !chunk.done),
      new Promise((done) => setTimeout(() => done('timeout'), 1000)),
    ]);
    expect(stillOpen).toBe(true);
    await root.cancel();
  });
});

describe('bootstrapping from open mode', () => {
  it('lets open mode create the first admin token, and then requires tokens', async () => {
    const call = await start({});
    expect((await call(null, 'GET', '/v1/auth/whoami')).json()).toMatchObject({ open_mode: true, source: 'open' });
    const root = await call(null, 'POST', '/v1/tokens', { name: 'root', role: 'admin' });
    expect(root.json()).toMatchObject({ created_by: 'anonymous' });
    const refused = await call(null, 'GET', '/v1/actions');
    expect(refused.statusCode).toBe(401);
    expect((await call(root.json().secret, 'GET', '/v1/auth/whoami')).json()).toMatchObject({
      name: 'root',
      open_mode: false,
    });
  });
});
