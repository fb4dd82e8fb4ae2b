import { createMemoryStore, type Store } from '@faramesh/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unusedLoopbackPort } from '../testing/free-port.js';
import { startTestServer } from '../testing/test-server.js';
import type { OidcIdentity } from './oidc-identity.js';
import { hashSessionId } from './session-id.js';

// Dashboard sessions over HTTP, in process. The provider round trip itself is covered end to end
// (tests/e2e/web-sso.test.ts, against a real OpenID provider); here sessions are opened the way the
// callback opens them, and everything after that (cookie, CSRF, timeouts, logout) is exercised.

const BOT = 'agent-bot-token-1';
const ANN = 'approver-ann-token-2';
const COOKIE = '__Host-faramesh_session';
const ALICE: OidcIdentity & { role: 'approver' } = {
  subject: 'https://idp.test alice',
  name: 'alice@corp.example',
  groups: ['finance'],
  role: 'approver',
};

let clock: Date;
let store: Store;
let server: Awaited<ReturnType<typeof startTestServer>>;

async function start(env: Record<string, string> = {}, tokens = `bot:agent:${BOT},ann:approver:${ANN}`) {
  server = await startTestServer({
    store,
    now: () => clock,
    env: {
      ...(tokens !== '' && { FARAMESH_TOKENS: tokens }),
      FARAMESH_OIDC_ISSUER: `http://127.0.0.1:${await unusedLoopbackPort()}`,
      FARAMESH_OIDC_CLIENT_ID: 'faramesh',
      FARAMESH_OIDC_ROLES: 'admin=platform-admins,approver=finance',
      FARAMESH_PUBLIC_URL: 'https://faramesh.test',
      ...env,
    },
  });
}

beforeEach(() => {
  clock = new Date('2030-01-01T00:00:00.000Z');
  store = createMemoryStore();
});
afterEach(() => server?.close());

const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

async function signIn(identity = ALICE): Promise<string> {
  const sessions = server.context.sessions;
  if (sessions === null) throw new Error('sessions are not configured');
  return sessions.open(identity);
}

const withCookie = (id: string, extra: Record<string, string> = {}) => ({ cookie: `${COOKIE}=${id}`, ...extra });

async function csrfOf(id: string): Promise<string> {
  const res = await server.app.inject({ method: 'GET', url: '/auth/session', headers: withCookie(id) });
  expect(res.statusCode).toBe(200);
  return res.json().csrf_token;
}

async function pendingShell(): Promise<{ id: string; token: string }> {
  const submitted = await server.app.inject({
    method: 'POST',
    url: '/v1/actions',
    headers: { authorization: `Bearer ${BOT}` },
    payload: { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } },
  });
  const { id } = submitted.json();
  const read = await server.app.inject({
    method: 'GET',
    url: `/v1/actions/${id}`,
    headers: { authorization: `Bearer ${ANN}` },
  });
  return { id, token: read.json().approval_token };
}

describe('dashboard sessions', () => {
  it('authenticates the session cookie as the person, with source oidc', async () => {
    await start();
    const id = await signIn();
    const me = await server.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: withCookie(id) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      name: 'alice@corp.example',
      role: 'approver',
      open_mode: false,
      source: 'oidc',
      groups: ['finance'],
      shared_identity: false,
      separation_of_duties: true,
    });
    const session = await server.app.inject({ method: 'GET', url: '/auth/session', headers: withCookie(id) });
    expect(session.headers['cache-control']).toBe('no-store');
    expect(session.json()).toMatchObject({
      name: 'alice@corp.example',
      role: 'approver',
      groups: ['finance'],
      source: 'oidc',
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_at: '2030-01-01T12:00:00.000Z',
      idle_expires_at: '2030-01-01T00:30:00.000Z',
    });
  });

  it('stores only a hash of the session id', async () => {
    await start();
    const id = await signIn();
    expect(await store.sessions.get(id)).toBeNull();
    expect(await store.sessions.get(hashSessionId(id))).toMatchObject({ name: 'alice@corp.example' });
  });

  it('refuses a cookie-authenticated write without the CSRF token, and records the person as approver with it', async () => {
    await start();
    const id = await signIn();
    const { id: actionId, token } = await pendingShell();
    const approve = (headers: Record<string, string>) =>
      server.app.inject({
        method: 'POST',
        url: `/v1/actions/${actionId}/approval`,
        headers,
        payload: { token, approve: true, reason: 'looks fine' },
      });
    for (const headers of [withCookie(id), withCookie(id, { 'x-faramesh-csrf': 'forged-token' })]) {
      const refused = await approve(headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('csrf_token_invalid');
    }
    expect((await store.getAction(actionId))?.status).toBe('pending_approval');
    const approved = await approve(withCookie(id, { 'x-faramesh-csrf': await csrfOf(id) }));
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approval_decided_by: 'alice@corp.example' });
    const events = await store.listEvents(actionId);
    expect(events.at(-1)).toMatchObject({
      event_type: 'approved',
      meta: { by: 'alice@corp.example', role: 'approver' },
    });
  });

  it("refuses a cross-site write by its Origin even with the session's CSRF token", async () => {
    await start();
    const id = await signIn();
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/policy/reload',
      headers: withCookie(id, {
        'x-faramesh-csrf': await csrfOf(id),
        origin: 'https://evil.example',
        host: 'faramesh.test',
      }),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'forbidden', message: 'cross-site request refused' });
  });

  it('leaves bearer-token requests alone: no CSRF token needed, and the token wins over a cookie', async () => {
    await start();
    const id = await signIn();
    const { id: actionId, token } = await pendingShell();
    const res = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${actionId}/approval`,
      headers: { authorization: `Bearer ${ANN}`, cookie: `${COOKIE}=${id}` },
      payload: { token, approve: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().approval_decided_by).toBe('ann');
  });

  it('ends a session left idle past FARAMESH_SESSION_IDLE_TIMEOUT, and keeps an active one', async () => {
    await start({ FARAMESH_SESSION_IDLE_TIMEOUT: '600' });
    const idle = await signIn();
    const active = await signIn({ ...ALICE, name: 'bob@corp.example', subject: 'https://idp.test bob' });
    const whoami = (id: string) =>
      server.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: withCookie(id) });
    for (let minute = 5; minute <= 20; minute += 5) {
      advance(300);
      expect((await whoami(active)).statusCode).toBe(200);
    }
    const gone = await whoami(idle);
    expect(gone.statusCode).toBe(401);
    expect(gone.json().error.code).toBe('unauthorized');
    expect(await store.sessions.get(hashSessionId(idle))).toBeNull();
  });

  async function openStream(id: string) {
    const { url } = await server.listen();
    const res = await fetch(`${url}/v1/events`, { headers: withCookie(id) });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    return reader;
  }
  /** 'ended' once the server ends the stream, 'still open' if it has not after many heartbeats. */
  const endOf = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
    const ended = (async () => {
      while (!(await reader.read()).done);
      return 'ended';
    })();
    return Promise.race([ended, new Promise((done) => setTimeout(() => done('still open'), 3000))]);
  };

  it('closes an event stream within a heartbeat of its session being logged out', async () => {
    await start();
    const id = await signIn();
    const stream = await openStream(id);
    // Heartbeats (FARAMESH_SSE_HEARTBEAT_MS = 200 ms) keep coming while the session lives.
    for (let i = 0; i < 3; i++) expect((await stream.read()).done).toBe(false);
    await server.app.inject({ method: 'POST', url: '/auth/logout', headers: withCookie(id) });
    expect(await endOf(stream)).toBe('ended');
  });

  it('does not keep an idle session alive by its open stream, and closes the stream when it idles out', async () => {
    await start({ FARAMESH_SESSION_IDLE_TIMEOUT: '600' });
    const id = await signIn();
    const before = await store.sessions.get(hashSessionId(id));
    const stream = await openStream(id);
    advance(500);
    for (let i = 0; i < 3; i++) expect((await stream.read()).done).toBe(false);
    expect((await store.sessions.get(hashSessionId(id)))?.idle_expires_at).toBe(before?.idle_expires_at);
    advance(101);
    expect(await endOf(stream)).toBe('ended');
  });

  it('ends even an active session at FARAMESH_SESSION_MAX_AGE', async () => {
    await start({ FARAMESH_SESSION_IDLE_TIMEOUT: '600', FARAMESH_SESSION_MAX_AGE: '1800' });
    const id = await signIn();
    const whoami = () => server.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: withCookie(id) });
    for (let t = 0; t < 1800 - 300; t += 300) {
      advance(300);
      expect((await whoami()).statusCode).toBe(200);
    }
    advance(300);
    expect((await whoami()).statusCode).toBe(401);
  });

  it('logs out server-side: the cookie is cleared and the same session id no longer works', async () => {
    await start();
    const id = await signIn();
    const out = await server.app.inject({ method: 'POST', url: '/auth/logout', headers: withCookie(id) });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ logged_out: true, end_session_url: null });
    expect(out.headers['set-cookie']).toBe(`${COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure`);
    expect(
      (await server.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: withCookie(id) })).statusCode,
    ).toBe(401);
    expect((await server.app.inject({ method: 'GET', url: '/auth/session', headers: withCookie(id) })).statusCode).toBe(
      401,
    );
    const again = await server.app.inject({ method: 'POST', url: '/auth/logout', headers: withCookie(id) });
    expect(again.json()).toEqual({ logged_out: false, end_session_url: null });
  });

  it("keeps at most FARAMESH_SESSION_MAX_PER_USER of one person's sessions, ending the oldest", async () => {
    await start({ FARAMESH_SESSION_MAX_PER_USER: '2' });
    const first = await signIn();
    advance(1);
    const second = await signIn();
    advance(1);
    const third = await signIn();
    const status = async (id: string) =>
      (await server.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: withCookie(id) })).statusCode;
    expect([await status(first), await status(second), await status(third)]).toEqual([401, 200, 200]);
  });

  it('sweeps ended sessions from the database', async () => {
    await start();
    const id = await signIn();
    advance(1800);
    expect(await server.context.sessions?.sweep()).toBe(1);
    expect(await store.sessions.get(hashSessionId(id))).toBeNull();
  });

  it('ignores cookies that are not session ids, without looking them up', async () => {
    await start();
    for (const value of ['', 'short', 'x'.repeat(43), `${'a'.repeat(42)}!`]) {
      const res = await server.app.inject({
        method: 'GET',
        url: '/v1/auth/whoami',
        headers: { cookie: `${COOKIE}=${value}` },
      });
      expect(res.statusCode).toBe(401);
    }
  });

  it('is not open mode when single sign-on is the only way in', async () => {
    await start({}, '');
    const res = await server.app.inject({ method: 'GET', url: '/v1/actions' });
    expect(res.statusCode).toBe(401);
    const id = await signIn({ ...ALICE, role: 'approver' });
    expect((await server.app.inject({ method: 'GET', url: '/v1/actions', headers: withCookie(id) })).statusCode).toBe(
      200,
    );
  });
});

describe('single sign-on routes', () => {
  it('tells the dashboard that SSO is configured but the provider is unreachable, and login says why', async () => {
    await start();
    expect((await server.app.inject({ method: 'GET', url: '/auth/config' })).json()).toEqual({
      token_login: true,
      sso: { enabled: true, available: false, login_url: '/auth/login' },
    });
    const json = await server.app.inject({ method: 'GET', url: '/auth/login' });
    expect(json.statusCode).toBe(503);
    expect(json.json().error.code).toBe('sso_unavailable');
    expect(json.json().error.message).toMatch(/ECONNREFUSED|fetch failed/);
    const page = await server.app.inject({ method: 'GET', url: '/auth/login', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(503);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Single sign-on is unavailable');
  });

  it('refuses a callback with no login in progress, as a page for browsers and JSON for API clients', async () => {
    await start();
    const json = await server.app.inject({ method: 'GET', url: '/auth/callback?code=abc&state=xyz' });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('sso_login_failed');
    const page = await server.app.inject({
      method: 'GET',
      url: '/auth/callback?code=abc&state=xyz',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Sign-in did not complete');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('says SSO is off, and has no login, when it is not configured', async () => {
    server = await startTestServer({ env: { FARAMESH_TOKENS: `ann:approver:${ANN}` } });
    expect((await server.app.inject({ method: 'GET', url: '/auth/config' })).json()).toEqual({
      token_login: true,
      sso: { enabled: false, available: false, login_url: null },
    });
    expect((await server.app.inject({ method: 'GET', url: '/auth/login' })).statusCode).toBe(404);
    expect((await server.app.inject({ method: 'GET', url: '/auth/session' })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'POST', url: '/auth/logout' })).json()).toEqual({
      logged_out: false,
      end_session_url: null,
    });
  });
});
