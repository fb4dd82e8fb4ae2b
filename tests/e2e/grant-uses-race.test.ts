import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import { api, type RunningServer, startServer } from './harness.js';

const N = 40;
const shell = (cmd: string) => ({ agent_id: 'race-agent', tool: 'shell', operation: 'run', params: { cmd } });

/**
 * Makes a grant with max_uses = k on `approver`, fires N submissions of covered calls at once spread
 * over `servers`, and returns how many each answer kind got plus the grant as stored.
 */
async function race(servers: RunningServer[], k: number, cmd: string) {
  const [first] = servers as [RunningServer];
  const created = (await api(first.url, '/v1/actions', { body: shell(cmd) })).json;
  expect(created.status).toBe('pending_approval');
  const scope = { tool: 'shell', operation: 'run', agent_id: 'race-agent', params: { cmd: { command: cmd } } };
  const approved = await api(servers.at(-1)!.url, `/v1/actions/${created.id}/approval`, {
    body: { token: created.approval_token, approve: true, grant: { scope, ttl: '1h', max_uses: k } },
  });
  expect(approved.status).toBe(200);
  const answers = await Promise.all(
    Array.from({ length: N }, (_, i) => api(servers[i % servers.length]!.url, '/v1/actions', { body: shell(cmd) })),
  );
  expect(answers.every((a) => a.status === 201)).toBe(true);
  const granted = answers.filter((a) => a.json.reason_code === 'grant');
  const pending = answers.filter((a) => a.json.status === 'pending_approval');
  const grants = (await api(first.url, `/v1/grants?state=all&action_id=${created.id}`)).json.items;
  return { granted, pending, grant: grants[0] };
}

describe('grant uses under concurrent submissions (SQLite)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('allows exactly max_uses of N concurrent covered calls; the rest wait for approval', async () => {
    for (const k of [1, 7]) {
      const { granted, pending, grant } = await race([server], k, `ls -la /tmp/sqlite-${k}`);
      expect(granted).toHaveLength(k);
      expect(pending).toHaveLength(N - k);
      expect(new Set(granted.map((a) => a.json.grant_id))).toEqual(new Set([grant.id]));
      expect(grant).toMatchObject({ uses: k, max_uses: k, state: 'exhausted' });
    }
    expect((await api(server.url, '/v1/audit/verify')).json.ok).toBe(true);
  });
});

describeWithPostgres('grant uses under concurrent submissions on two PostgreSQL replicas', (cluster) => {
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    const dsn = await (await cluster()).createDatabase('grant_race');
    const replica = () => startServer({ env: { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn } });
    [a, b] = await Promise.all([replica(), replica()]);
  });
  afterAll(async () => {
    for (const server of [a, b]) await server?.stop();
  });

  it('never counts more than max_uses across replicas', async () => {
    for (const k of [1, 5, 13]) {
      const { granted, pending, grant } = await race([a, b], k, `ls -la /tmp/pg-${k}`);
      expect(granted).toHaveLength(k);
      expect(pending).toHaveLength(N - k);
      expect(grant).toMatchObject({ uses: k, state: 'exhausted' });
      // Every allowed call's decision event records its use of the grant, exactly k in all.
      const uses = await Promise.all(
        granted.map(async (g) => {
          const decision = (await api(b.url, `/v1/actions/${g.json.id}/events`)).json.at(-1);
          return [decision.event_type, decision.meta.grant_id];
        }),
      );
      expect(uses).toEqual(Array.from({ length: k }, () => ['decision_made', grant.id]));
    }
    expect((await api(b.url, '/v1/audit/verify')).json.ok).toBe(true);
  });
});
