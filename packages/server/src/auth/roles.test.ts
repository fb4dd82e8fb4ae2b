import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

const TOKENS = {
  admin: 'admin-token-000',
  ann: 'approver-ann-111',
  bob: 'approver-bob-222',
  bot: 'agent-bot-333',
  other: 'agent-other-444',
  root: 'admin-root-555',
};

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer({
    env: {
      FARAMESH_TOKEN: TOKENS.admin,
      FARAMESH_TOKENS: `ann:approver:${TOKENS.ann},bob:approver:${TOKENS.bob},bot:agent:${TOKENS.bot},other:agent:${TOKENS.other},root:admin:${TOKENS.root}`,
    },
  });
});
afterEach(() => server.close());

const call = (token: string | null, method: 'GET' | 'POST', url: string, payload?: object) =>
  server.app.inject({
    method,
    url,
    ...(payload !== undefined && { payload }),
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

const shell = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } };

describe('roles', () => {
  it('refuses requests without a valid token with 401 and a JSON error', async () => {
    for (const token of [null, 'wrong-token-999', `${TOKENS.bot}x`]) {
      const res = await call(token, 'GET', '/v1/actions');
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
      expect(res.headers['www-authenticate']).toContain('Bearer');
    }
  });

  it('keeps probes public', async () => {
    expect((await call(null, 'GET', '/health')).statusCode).toBe(200);
    expect((await call(null, 'GET', '/ready')).statusCode).toBe(200);
    expect((await call(null, 'GET', '/metrics')).statusCode).toBe(200);
  });

  it('never shows an agent the approval token, and an agent cannot approve', async () => {
    const submitted = await call(TOKENS.bot, 'POST', '/v1/actions', shell);
    expect(submitted.statusCode).toBe(201);
    const action = submitted.json();
    expect(action.status).toBe('pending_approval');
    expect(action).not.toHaveProperty('approval_token');
    expect((await call(TOKENS.bot, 'GET', `/v1/actions/${action.id}`)).json()).not.toHaveProperty('approval_token');
    const token = (await call(TOKENS.ann, 'GET', `/v1/actions/${action.id}`)).json().approval_token;
    expect(token).toEqual(expect.any(String));
    const attempt = await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/approval`, { token, approve: true });
    expect(attempt.statusCode).toBe(403);
    expect(attempt.json().error.code).toBe('forbidden');
  });

  it('records the approver, and an approver can neither submit nor execute', async () => {
    const action = (await call(TOKENS.bot, 'POST', '/v1/actions', shell)).json();
    const token = (await call(TOKENS.ann, 'GET', `/v1/actions/${action.id}`)).json().approval_token;
    const approved = await call(TOKENS.ann, 'POST', `/v1/actions/${action.id}/approval`, { token, approve: true });
    expect(approved.json()).toMatchObject({ status: 'approved', approval_decided_by: 'ann' });
    const events = (await call(TOKENS.admin, 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events[2]).toMatchObject({ event_type: 'approved', meta: { by: 'ann', role: 'approver' } });
    expect((await call(TOKENS.ann, 'POST', '/v1/actions', shell)).statusCode).toBe(403);
    expect((await call(TOKENS.ann, 'POST', `/v1/actions/${action.id}/start`)).statusCode).toBe(403);
    expect((await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/start`)).json().status).toBe('executing');
  });

  it('forbids a named identity approving its own action, even an admin', async () => {
    const action = (await call(TOKENS.root, 'POST', '/v1/actions', shell)).json();
    const res = await call(TOKENS.root, 'POST', `/v1/actions/${action.id}/approval`, {
      token: action.approval_token,
      approve: true,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('self_approval_forbidden');
  });

  it('shows an agent only its own actions, in lists, lookups and prefixes', async () => {
    const mine = (await call(TOKENS.bot, 'POST', '/v1/actions', shell)).json();
    const theirs = (await call(TOKENS.other, 'POST', '/v1/actions', { ...shell, agent_id: 'other' })).json();
    const list = (await call(TOKENS.bot, 'GET', '/v1/actions')).json();
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([mine.id]);
    expect((await call(TOKENS.bot, 'GET', `/v1/actions/${theirs.id}`)).statusCode).toBe(404);
    expect((await call(TOKENS.bot, 'GET', `/v1/actions/${theirs.id}/events`)).statusCode).toBe(404);
    expect((await call(TOKENS.bot, 'POST', `/v1/actions/${theirs.id}/start`)).statusCode).toBe(404);
    expect((await call(TOKENS.ann, 'GET', '/v1/actions')).json().total).toBe(2);
  });

  it('lets only admins reload the policy and tells everyone who they are', async () => {
    expect((await call(TOKENS.ann, 'POST', '/v1/policy/reload')).statusCode).toBe(403);
    expect((await call(TOKENS.admin, 'POST', '/v1/policy/reload')).statusCode).toBe(200);
    expect((await call(TOKENS.bot, 'GET', '/v1/auth/whoami')).json()).toEqual({
      name: 'bot',
      role: 'agent',
      open_mode: false,
      source: 'token',
      groups: [],
      shared_identity: false,
      separation_of_duties: true,
    });
  });
});
