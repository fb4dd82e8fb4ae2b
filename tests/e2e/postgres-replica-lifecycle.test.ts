import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import { api, type RunningServer, startServer } from './harness.js';

const shell = (cmd: string) => ({ agent_id: 'lifecycle-agent', tool: 'shell', operation: 'run', params: { cmd } });
const typesOf = async (server: RunningServer, id: string): Promise<string[]> =>
  (await api(server.url, `/v1/actions/${id}/events`)).json.map((e: { event_type: string }) => e.event_type);

// Every replica sweeps due approvals every second; approvals here lapse one second after they are given.
describeWithPostgres('approval expiry and cancellation across two replicas on one PostgreSQL', (cluster) => {
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    const pg = await cluster();
    const dsn = await pg.createDatabase('lifecycle');
    const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn, FARAMESH_APPROVED_TTL: '1' };
    [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
  });
  afterAll(async () => {
    for (const server of [a, b]) await server?.stop();
  });

  async function approvedOnB(count: number): Promise<{ id: string; approval_expires_at: string }[]> {
    const approved = [];
    for (let i = 0; i < count; i++) {
      const created = (await api(a.url, '/v1/actions', { body: shell(`make job-${i}`) })).json;
      const res = await api(b.url, `/v1/actions/${created.id}/approval`, {
        body: { token: created.approval_token, approve: true },
      });
      expect(res.json.status).toBe('approved');
      approved.push(res.json);
    }
    return approved;
  }

  it('records exactly one expired event per lapsed approval while both replicas sweep', async () => {
    const approved = await approvedOnB(8);
    await sleep(2500);
    for (const action of approved) {
      const events = (await api(a.url, `/v1/actions/${action.id}/events`)).json;
      const expired = events.filter((e: { event_type: string }) => e.event_type === 'expired');
      expect(expired).toHaveLength(1);
      expect(expired[0].meta).toMatchObject({ from: 'approved', expires_at: action.approval_expires_at });
      for (const server of [a, b]) {
        const start = await api(server.url, `/v1/actions/${action.id}/start`, { body: {} });
        expect([start.status, start.json.error.code]).toEqual([409, 'approval_expired']);
      }
    }
    const metrics =
      (await fetch(`${a.url}/metrics`).then((r) => r.text())) + (await fetch(`${b.url}/metrics`).then((r) => r.text()));
    const counted = [...metrics.matchAll(/^faramesh_expirations_total\{from="approved"\} (\d+)$/gm)];
    expect(counted.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(8);
  });

  it('lets exactly one of the starts on both replicas and the sweeps win at the deadline', async () => {
    const approved = await approvedOnB(8);
    // Each action's two starts land around its own deadline, from 40 ms before to 30 ms after it.
    const starts = await Promise.all(
      approved.flatMap((action, i) =>
        [a, b].map(async (server) => {
          await sleep(Math.max(0, Date.parse(action.approval_expires_at) + (i - 4) * 10 - Date.now()));
          return { id: action.id, res: await api(server.url, `/v1/actions/${action.id}/start`, { body: {} }) };
        }),
      ),
    );
    await sleep(2000);
    for (const action of approved) {
      const answers = starts.filter((s) => s.id === action.id).map((s) => s.res);
      const types = (await typesOf(a, action.id)).slice(3);
      if (types[0] === 'started') {
        expect(types).toEqual(['started']);
        expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
        expect(answers.filter((r) => r.status !== 200).map((r) => r.json.error.code)).toEqual(['invalid_transition']);
      } else {
        expect(types).toEqual(['expired']);
        expect(answers.map((r) => [r.status, r.json.error.code])).toEqual([
          [409, 'approval_expired'],
          [409, 'approval_expired'],
        ]);
      }
    }
  });

  it('answers a long-poll on B as soon as the submitter cancels on A', async () => {
    const created = (await api(a.url, '/v1/actions', { body: shell('make backup') })).json;
    const waiting = api(b.url, `/v1/actions/${created.id}/wait?timeout_ms=10000`);
    await sleep(200);
    const started = Date.now();
    const cancelled = await api(a.url, `/v1/actions/${created.id}/cancel`, { body: { reason: 'agent stopped' } });
    expect(cancelled.json.status).toBe('cancelled');
    expect((await waiting).json.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await typesOf(b, created.id)).toEqual(['created', 'decision_made', 'cancelled']);
  });
});
