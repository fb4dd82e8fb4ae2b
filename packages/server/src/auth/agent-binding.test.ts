import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

const TOKENS = {
  admin: 'admin-token-000',
  ann: 'approver-ann-111',
  bot: 'agent-bot-333',
  etl: 'agent-etl-444',
  scheduler: 'agent-sched-555',
};

const POLICY = `
rules:
  - match: { tool: email, op: send, principal_group: campaign-senders }
    allow: true
    description: campaign sends by the scheduler
  - match: { tool: email, op: send }
    require_approval: true
    description: other sends need approval
  - match: { tool: "*" }
    allow: true
`;

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
afterEach(() => server.close());

const ENV = {
  FARAMESH_TOKEN: TOKENS.admin,
  FARAMESH_TOKENS: `ann:approver:${TOKENS.ann},bot:agent:${TOKENS.bot},etl:agent:${TOKENS.etl},scheduler:agent:${TOKENS.scheduler}`,
  FARAMESH_AGENT_BINDINGS: 'etl=etl-*|warehouse,scheduler=marketing-*',
  FARAMESH_TOKEN_GROUPS: 'scheduler=campaign-senders,ann=finance',
};

async function start(env: Record<string, string> = {}): Promise<Server> {
  server = await startTestServer({ policy: POLICY, env: { ...ENV, ...env } });
  return server;
}

const call = (token: string | null, method: 'GET' | 'POST', url: string, payload?: object) =>
  server.app.inject({
    method,
    url,
    ...(payload !== undefined && { payload }),
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

const action = (agent_id: string, extra: object = {}) => ({ agent_id, tool: 'http', operation: 'get', ...extra });

describe('agent identity binding', () => {
  it('lets an agent token submit as its own name and under name/…', async () => {
    await start();
    for (const agentId of ['bot', 'bot/triage', 'bot/a/b']) {
      const res = await call(TOKENS.bot, 'POST', '/v1/actions', action(agentId));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ agent_id: agentId, submitted_by: 'bot' });
    }
  });

  it.each([
    ['another agent', 'etl-1'],
    ['a prefix look-alike', 'bot-admin'],
    ['a name that only starts like it', 'botx'],
    ['a case variant', 'Bot'],
  ])('refuses %s with 403 agent_id_not_allowed and stores nothing', async (_label, agentId) => {
    await start();
    const res = await call(TOKENS.bot, 'POST', '/v1/actions', action(agentId));
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      code: 'agent_id_not_allowed',
      details: { agent_id: agentId, allowed: ['bot', 'bot/*'] },
    });
    expect((await call(TOKENS.admin, 'GET', '/v1/actions')).json().total).toBe(0);
  });

  it('checks an agent_id given in context the same way', async () => {
    await start();
    const body = { tool: 'http', operation: 'get', context: { agent_id: 'etl-1' } };
    const res = await call(TOKENS.bot, 'POST', '/v1/actions', body);
    expect(res.json().error.code).toBe('agent_id_not_allowed');
  });

  it('refuses a context.agent_id naming another agent even beside its own agent_id, and stores nothing', async () => {
    await start();
    const other = await call(TOKENS.bot, 'POST', '/v1/actions', action('bot', { context: { agent_id: 'etl-1' } }));
    expect([other.statusCode, other.json().error.code]).toEqual([403, 'agent_id_not_allowed']);
    expect(other.json().error.details.agent_id).toBe('etl-1');
    const odd = await call(TOKENS.bot, 'POST', '/v1/actions', action('bot', { context: { agent_id: { id: 'x' } } }));
    expect([odd.statusCode, odd.json().error.code]).toEqual([400, 'validation_failed']);
    expect((await call(TOKENS.admin, 'GET', '/v1/actions')).json().total).toBe(0);
    // The same agent in both, or a sub-agent of its own, is fine; admins may name any.
    const same = await call(TOKENS.bot, 'POST', '/v1/actions', action('bot', { context: { agent_id: 'bot/triage' } }));
    expect(same.statusCode).toBe(201);
    expect(
      (await call(TOKENS.admin, 'POST', '/v1/actions', action('x', { context: { agent_id: 'y' } }))).statusCode,
    ).toBe(201);
  });

  it('replaces the default with FARAMESH_AGENT_BINDINGS', async () => {
    await start();
    expect((await call(TOKENS.etl, 'POST', '/v1/actions', action('etl-nightly'))).statusCode).toBe(201);
    expect((await call(TOKENS.etl, 'POST', '/v1/actions', action('warehouse'))).statusCode).toBe(201);
    const own = await call(TOKENS.etl, 'POST', '/v1/actions', action('etl'));
    expect(own.json().error).toMatchObject({
      code: 'agent_id_not_allowed',
      details: { allowed: ['etl-*', 'warehouse'] },
    });
  });

  it('lets admins and open mode submit as any agent id', async () => {
    await start();
    expect((await call(TOKENS.admin, 'POST', '/v1/actions', action('etl-1'))).statusCode).toBe(201);
    await server.close();
    server = await startTestServer({ policy: POLICY });
    expect((await call(null, 'POST', '/v1/actions', action('anyone'))).statusCode).toBe(201);
  });

  it('binds replays too: an agent replays only under an agent id it may still use', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'faramesh-binding-')), 'actions.db');
    server = await startTestServer({ policy: POLICY, store: createSqliteStore({ path }), env: ENV });
    const original = (await call(TOKENS.etl, 'POST', '/v1/actions', action('etl-1'))).json();
    expect((await call(TOKENS.etl, 'POST', `/v1/actions/${original.id}/replay`)).statusCode).toBe(201);
    await server.close();
    server = await startTestServer({
      policy: POLICY,
      store: createSqliteStore({ path }),
      env: { ...ENV, FARAMESH_AGENT_BINDINGS: 'etl=warehouse' },
    });
    const replay = await call(TOKENS.etl, 'POST', `/v1/actions/${original.id}/replay`);
    expect(replay.statusCode).toBe(403);
    expect(replay.json().error.code).toBe('agent_id_not_allowed');
  });
});

describe('the authenticated principal', () => {
  it('is recorded on the action and in its created event', async () => {
    await start();
    const created = (await call(TOKENS.scheduler, 'POST', '/v1/actions', action('marketing-1'))).json();
    expect(created.submitted_by).toBe('scheduler');
    const events = (await call(TOKENS.admin, 'GET', `/v1/actions/${created.id}/events`)).json();
    expect(events[0]).toMatchObject({
      event_type: 'created',
      meta: {
        submitted_by: 'scheduler',
        principal: { name: 'scheduler', role: 'agent', groups: ['campaign-senders'] },
      },
    });
  });

  it('is what principal_group matches, never anything the agent sends', async () => {
    await start();
    const send = { tool: 'email', operation: 'send', params: { to: 'list' } };
    const trusted = await call(TOKENS.scheduler, 'POST', '/v1/actions', { agent_id: 'marketing-1', ...send });
    expect(trusted.json()).toMatchObject({ decision: 'allow', matched_rule: { index: 0 } });
    const spoofed = await call(TOKENS.bot, 'POST', '/v1/actions', {
      agent_id: 'bot',
      ...send,
      context: { principal_group: 'campaign-senders', campaign_approved: true, groups: ['campaign-senders'] },
    });
    expect(spoofed.json()).toMatchObject({ decision: 'require_approval', matched_rule: { index: 1 } });
  });

  it('is passed to explain for stored actions, as the submitter it was', async () => {
    await start();
    const send = { agent_id: 'marketing-1', tool: 'email', operation: 'send' };
    const created = (await call(TOKENS.scheduler, 'POST', '/v1/actions', send)).json();
    const explained = (await call(TOKENS.ann, 'GET', `/v1/actions/${created.id}/explain`)).json();
    expect(explained.explanation.decision).toBe('allow');
    expect(explained.explanation.rules[0].conditions).toContainEqual({
      key: 'principal_group',
      expected: 'campaign-senders',
      actual: ['campaign-senders'],
      matched: true,
    });
  });

  it("is the caller's own identity in the playground", async () => {
    await start({ FARAMESH_TOKEN_GROUPS: 'admin=campaign-senders' });
    const body = { tool: 'email', operation: 'send' };
    expect((await call(TOKENS.admin, 'POST', '/playground/eval', body)).json().decision).toBe('allow');
    expect((await call(TOKENS.ann, 'POST', '/playground/eval', body)).json().decision).toBe('require_approval');
  });
});

describe('what agents may read of the policy', () => {
  it('keeps the policy and the playground from agents, not from approvers', async () => {
    await start();
    for (const [method, url] of [
      ['GET', '/v1/policy'],
      ['POST', '/playground/eval'],
    ] as const) {
      const res = await call(TOKENS.bot, method, url, method === 'POST' ? { tool: 'x', operation: 'y' } : undefined);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect((await call(TOKENS.ann, 'GET', '/v1/policy')).statusCode).toBe(200);
    const own = (await call(TOKENS.bot, 'POST', '/v1/actions', action('bot'))).json();
    expect((await call(TOKENS.bot, 'GET', `/v1/actions/${own.id}/explain`)).statusCode).toBe(200);
  });
});
