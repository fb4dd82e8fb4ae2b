import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import { api, type RunningServer, startServer, workDir } from './harness.js';

const POLICY = `
rules:
  - name: searches
    match: { tool: search }
    allow: true
    limit: { count: 10, per: 1h }
  - name: payouts
    match: { tool: payouts, op: send }
    allow: true
    limit: { sum: amount, max: 100, per: 1d }
    over_limit: deny
  - match: { tool: "*" }
    deny: true
`;

describeWithPostgres('rate and budget limits across two replicas on one PostgreSQL database', (cluster) => {
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    const dsn = await (await cluster()).createDatabase('limits');
    const replica = () => {
      const work = workDir();
      writeFileSync(work.policy, POLICY);
      return startServer({ dir: work.dir, env: { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn } });
    };
    [a, b] = await Promise.all([replica(), replica()]);
  });
  afterAll(async () => {
    for (const server of [a, b]) await server?.stop();
  });

  it('lets exactly count of concurrent calls through, whichever replica each lands on', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api(i % 2 === 0 ? a.url : b.url, '/v1/actions', {
          body: { agent_id: `agent-${i}`, tool: 'search', operation: 'query', params: { q: String(i) } },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(201));
    const statuses = answers.map((answer) => answer.json.status);
    expect(statuses.filter((status) => status === 'allowed')).toHaveLength(10);
    expect(statuses.filter((status) => status === 'pending_approval')).toHaveLength(30);
    // Each replica alone would allow 10 of its 20: the 10 in all show that they shared one count.
    const reasons = new Set(answers.filter((x) => x.json.status !== 'allowed').map((x) => x.json.reason));
    expect(reasons).toEqual(new Set(['limit 10 per 1h reached: 10 used']));
  });

  it('never lets concurrent payouts on two replicas go past the budget, and takes it exactly to the maximum', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api(i % 2 === 0 ? a.url : b.url, '/v1/actions', {
          body: { agent_id: 'payer', tool: 'payouts', operation: 'send', params: { amount: i < 20 ? 7 : 2 } },
        }),
      ),
    );
    const allowed = answers.filter((answer) => answer.json.status === 'allowed');
    const spent = allowed.reduce((sum, answer) => sum + answer.json.params.amount, 0);
    expect(spent).toBeLessThanOrEqual(100);
    // Whatever the interleaving, the denied calls were each refused only because they didn't fit.
    for (const answer of answers.filter((x) => x.json.status === 'denied')) {
      const [, used, call] = /reached: ([\d.]+) used, this call ([\d.]+)/.exec(answer.json.reason) ?? [];
      expect(Number(used) + Number(call)).toBeGreaterThan(100);
    }
    const explained = await api(b.url, `/v1/actions/${allowed[0]?.json.id}/explain`);
    expect(explained.json.explanation.limit).toMatchObject({ used: spent, text: 'limit sum(amount) 100 per 1d' });
    // What is left of the budget still fits exactly; then nothing more does.
    const last = await api(a.url, '/v1/actions', {
      body: { agent_id: 'payer', tool: 'payouts', operation: 'send', params: { amount: 100 - spent } },
    });
    expect(last.json.status).toBe('allowed');
    const over = await api(b.url, '/v1/actions', {
      body: { agent_id: 'payer', tool: 'payouts', operation: 'send', params: { amount: 0.01 } },
    });
    expect(over.json).toMatchObject({
      status: 'denied',
      reason: 'limit sum(amount) 100 per 1d reached: 100 used, this call 0.01',
    });
  });
});
