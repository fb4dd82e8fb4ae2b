import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

const SHARED = 'seed-shared-token-1';
const ROOT = 'named-admin-root-2';
const ANN = 'named-approver-ann-3';
const BOT = 'named-agent-bot-4';

const shell = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } };

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(() => server?.close());

async function start(env: Record<string, string>) {
  server = await startTestServer({ env });
  const app = server.app;
  return (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      ...(payload !== undefined && { payload }),
      headers: { authorization: `Bearer ${token}` },
    });
}

describe('separation of duties', () => {
  it('lets the one shared seed token approve what it submitted, recorded as a self-approval', async () => {
    const call = await start({ FARACORE_TOKEN: SHARED });
    const action = (await call(SHARED, 'POST', '/v1/actions', shell)).json();
    expect(action.status).toBe('pending_approval');
    const res = await call(SHARED, 'POST', `/v1/actions/${action.id}/approval`, {
      token: action.approval_token,
      approve: true,
      reason: 'seed flow',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'approved', submitted_by: 'admin', approval_decided_by: 'admin' });
    const events = (await call(SHARED, 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events[2]).toMatchObject({
      event_type: 'approved',
      meta: { by: 'admin', role: 'admin', reason: 'seed flow', self_approval: true },
    });
  });

  it('records a shared token denying its own submission as a self-approval too', async () => {
    const call = await start({ FARAMESH_TOKEN: SHARED });
    const action = (await call(SHARED, 'POST', '/v1/actions', shell)).json();
    const res = await call(SHARED, 'POST', `/v1/actions/${action.id}/approval`, {
      token: action.approval_token,
      approve: false,
    });
    expect(res.json().status).toBe('denied');
    const events = (await call(SHARED, 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events[2].meta.self_approval).toBe(true);
  });

  it('says in whoami that a shared token has no separation of duties, and a named one has', async () => {
    const call = await start({ FARAMESH_TOKEN: SHARED, FARAMESH_TOKENS: `root:admin:${ROOT}` });
    expect((await call(SHARED, 'GET', '/v1/auth/whoami')).json()).toEqual({
      name: 'admin',
      role: 'admin',
      open_mode: false,
      source: 'token',
      groups: [],
      shared_identity: true,
      separation_of_duties: false,
    });
    expect((await call(ROOT, 'GET', '/v1/auth/whoami')).json()).toMatchObject({
      name: 'root',
      shared_identity: false,
      separation_of_duties: true,
    });
  });

  it('keeps named identities strict: a named admin can neither approve nor deny its own action', async () => {
    const call = await start({ FARAMESH_TOKENS: `root:admin:${ROOT},ann:approver:${ANN},bot:agent:${BOT}` });
    const own = (await call(ROOT, 'POST', '/v1/actions', shell)).json();
    for (const approve of [true, false]) {
      const res = await call(ROOT, 'POST', `/v1/actions/${own.id}/approval`, { token: own.approval_token, approve });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'self_approval_forbidden', details: { submitted_by: 'root' } });
    }
    // Another named identity decides it, and that is no self-approval.
    const res = await call(ANN, 'POST', `/v1/actions/${own.id}/approval`, { token: own.approval_token, approve: true });
    expect(res.json()).toMatchObject({ status: 'approved', approval_decided_by: 'ann' });
    const events = (await call(ROOT, 'GET', `/v1/actions/${own.id}/events`)).json();
    expect(events[2].meta).not.toHaveProperty('self_approval');
  });

  it('lets a shared token decide a named agent’s action without calling it a self-approval', async () => {
    const call = await start({ FARAMESH_TOKEN: SHARED, FARAMESH_TOKENS: `bot:agent:${BOT}` });
    const action = (await call(BOT, 'POST', '/v1/actions', shell)).json();
    const token = (await call(SHARED, 'GET', `/v1/actions/${action.id}`)).json().approval_token;
    const res = await call(SHARED, 'POST', `/v1/actions/${action.id}/approval`, { token, approve: true });
    expect(res.json().status).toBe('approved');
    const events = (await call(SHARED, 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events[2].meta).not.toHaveProperty('self_approval');
  });
});
