import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import { api, openStream, type RunningServer, startServer } from './harness.js';

const ROUNDS = 1_000;
/** Rounds run in this many concurrent lanes (each lane one round at a time). */
const LANES = 4;

/** Two of finance approve refunds; payouts escalate to sre after 2 s (so the replicas' sweeps race). */
const POLICY = `
groups:
  finance: [alice, bob, carol]
  sre: [dave]
rules:
  - match: { tool: stripe, op: refund }
    require_approval: true
    approvers: [finance]
    approvals: 2
  - match: { tool: stripe, op: payout }
    require_approval: true
    approvers: [finance]
    approvals: 2
    escalate:
      - after: 2s
        approvers: [sre]
        notify: ["user:vp"]
  - match: { tool: "*" }
    allow: true
`;

const TOKENS = { alice: 'alice-token-0001', bob: 'bob-token-00002', carol: 'carol-token-0003', bot: 'bot-token-00006' };
const TOKENS_ENV = [
  `alice:approver:${TOKENS.alice}`,
  `bob:approver:${TOKENS.bob}`,
  `carol:approver:${TOKENS.carol}`,
  'dave:approver:dave-token-00004',
  `bot:agent:${TOKENS.bot}`,
].join(',');

function policyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-quorum-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  return dir;
}

describeWithPostgres('team approvals across two replicas on one PostgreSQL', (cluster) => {
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    const dsn = await (await cluster()).createDatabase('quorum');
    const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn, FARAMESH_TOKENS: TOKENS_ENV };
    [a, b] = await Promise.all([startServer({ env, dir: policyDir() }), startServer({ env, dir: policyDir() })]);
  });
  afterAll(async () => {
    for (const server of [a, b]) await server?.stop();
  });

  const submit = async (operation: string) => {
    const created = await api(a.url, '/v1/actions', {
      token: TOKENS.bot,
      body: { agent_id: 'bot', tool: 'stripe', operation, params: { amount: 5000 } },
    });
    expect(created.status).toBe(201);
    return (await api(a.url, `/v1/actions/${created.json.id}`, { token: TOKENS.alice })).json;
  };
  const decide = (server: RunningServer, who: keyof typeof TOKENS, action: { id: string; approval_token: string }) =>
    api(server.url, `/v1/actions/${action.id}/approval`, {
      token: TOKENS[who],
      body: { token: action.approval_token, approve: true },
    });

  it(`produces exactly one approved when the last two approvers race on different replicas (${ROUNDS} rounds)`, async () => {
    const outcomes = { approved: 0, refused: 0 };
    const round = async () => {
      const action = await submit('refund');
      expect((await decide(a, 'alice', action)).json.status).toBe('pending_approval');
      const answers = await Promise.all([decide(a, 'bob', action), decide(b, 'carol', action)]);
      const won = answers.filter((answer) => answer.status === 200);
      expect(won).toHaveLength(1);
      expect(won[0]?.json.status).toBe('approved');
      expect(answers.filter((answer) => answer.status !== 200).map((r) => [r.status, r.json.error.code])).toEqual([
        [409, 'invalid_transition'],
      ]);
      const events = (await api(b.url, `/v1/actions/${action.id}/events`, { token: TOKENS.alice })).json;
      expect(events.map((event: { event_type: string }) => event.event_type)).toEqual([
        'created',
        'decision_made',
        'approval_recorded',
        'approved',
      ]);
      outcomes.approved += won.length;
      outcomes.refused += answers.length - won.length;
    };
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        for (let i = 0; i < ROUNDS / LANES; i++) await round();
      }),
    );
    expect(outcomes).toEqual({ approved: ROUNDS, refused: ROUNDS });
    console.info(
      `quorum race (PostgreSQL, two replicas): ${ROUNDS} rounds in ${LANES} lanes, ${outcomes.approved} approved, ${outcomes.refused} refused (409)`,
    );
  }, 600_000);

  it('fires each escalation step exactly once while both replicas sweep, and streams every step', async () => {
    const stream = openStream(`${b.url}/v1/events`, { authorization: `Bearer ${TOKENS.alice}` });
    const actions = [];
    for (let i = 0; i < 6; i++) actions.push(await submit('payout'));
    await sleep(4000);
    for (const action of actions) {
      const events = (await api(a.url, `/v1/actions/${action.id}/events`, { token: TOKENS.alice })).json;
      const escalated = events.filter((event: { event_type: string }) => event.event_type === 'escalated');
      expect(escalated).toHaveLength(1);
      expect(escalated[0].meta).toMatchObject({ step: 1, approvers: ['sre'], notify: ['user:vp'] });
      expect((await api(b.url, `/v1/actions/${action.id}`, { token: TOKENS.alice })).json).toMatchObject({
        status: 'pending_approval',
        escalation_step: 1,
        next_escalation_at: null,
        waiting_for: { text: 'finance, sre' },
      });
    }
    const [first] = actions;
    expect((await decide(b, 'alice', first)).json.status).toBe('pending_approval');
    expect((await decide(a, 'bob', first)).json.status).toBe('approved');
    // The replica that made none of these writes streams them all, each with the progress at that step.
    await stream.waitFor(1);
    const deadline = Date.now() + 10_000;
    const framesOf = () =>
      stream.frames.map((frame) => JSON.parse(frame.data)).filter((data) => data.action.id === first.id);
    while (framesOf().length < 5 && Date.now() < deadline) await sleep(100);
    await stream.close();
    const frames = framesOf();
    expect(frames.map((data) => data.type)).toEqual([
      'action.created',
      'action.decided',
      'action.escalated',
      'action.approval_recorded',
      'action.approved',
    ]);
    expect(frames.map((data) => [data.action.approvals.length, data.action.escalation_step])).toEqual([
      [0, 0],
      [0, 0],
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    expect(frames[3].action).toMatchObject({ approvals_required: 2, waiting_for: { text: 'finance, sre' } });
    expect(frames.every((data) => !('you_may_decide' in data.action) && !('approval_token' in data.action))).toBe(true);
  }, 120_000);
});
