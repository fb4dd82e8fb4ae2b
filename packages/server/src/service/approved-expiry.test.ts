import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const shell = { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'terraform apply' } };

async function submitAndApprove(server: Server): Promise<{ id: string; approval_expires_at: string | null }> {
  const action = (await server.app.inject({ method: 'POST', url: '/v1/actions', payload: shell })).json();
  const approved = await server.app.inject({
    method: 'POST',
    url: `/v1/actions/${action.id}/approval`,
    payload: { token: action.approval_token, approve: true },
  });
  expect(approved.json().status).toBe('approved');
  return approved.json();
}

const post = (server: Server, url: string, payload: object = {}) => server.app.inject({ method: 'POST', url, payload });
const eventsOf = async (server: Server, id: string) =>
  (await server.app.inject({ url: `/v1/actions/${id}/events` })).json() as {
    event_type: string;
    meta: Record<string, unknown>;
  }[];

describe('approvals that are never started (FARAMESH_APPROVED_TTL)', () => {
  it('gives an approval its own deadline and refuses a late start with approval_expired', async () => {
    let now = T0;
    const server = await startTestServer({ env: { FARAMESH_APPROVED_TTL: '60' }, now: () => new Date(now) });
    try {
      now += 10_000;
      const action = await submitAndApprove(server);
      expect(action.approval_expires_at).toBe('2026-01-01T00:01:10.000Z');
      now += 61_000;
      const late = await post(server, `/v1/actions/${action.id}/start`);
      expect(late.statusCode).toBe(409);
      expect(late.json().error).toMatchObject({
        code: 'approval_expired',
        details: { from: 'approved', expired_at: '2026-01-01T00:01:10.000Z' },
      });
      expect(late.json().error.message).toContain('FARAMESH_APPROVED_TTL');
      expect((await server.app.inject({ url: `/v1/actions/${action.id}` })).json().status).toBe('expired');
      const events = await eventsOf(server, action.id);
      expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made', 'approved', 'expired']);
      expect(events[3]!.meta).toMatchObject({ from: 'approved', expires_at: '2026-01-01T00:01:10.000Z' });
      const result = await post(server, `/v1/actions/${action.id}/result`, { success: true });
      expect(result.json().error.code).toBe('approval_expired');
      const metrics = (await server.app.inject({ url: '/metrics' })).body;
      expect(metrics).toContain('faramesh_expirations_total{from="approved"} 1');
    } finally {
      await server.close();
    }
  });

  it('refuses a late result (the implied start) the same way, and lets a timely start through', async () => {
    let now = T0;
    const server = await startTestServer({ env: { FARAMESH_APPROVED_TTL: '60' }, now: () => new Date(now) });
    try {
      const late = await submitAndApprove(server);
      const timely = await submitAndApprove(server);
      now += 59_999;
      expect((await post(server, `/v1/actions/${timely.id}/start`)).json().status).toBe('executing');
      now += 1;
      const res = await post(server, `/v1/actions/${late.id}/result`, { success: true });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('approval_expired');
      expect((await eventsOf(server, late.id)).map((e) => e.event_type)).not.toContain('started');
      // Started in time: the lapsed deadline no longer matters.
      expect((await post(server, `/v1/actions/${timely.id}/result`, { success: true })).json().status).toBe(
        'succeeded',
      );
    } finally {
      await server.close();
    }
  });

  it('sweeps lapsed approvals without anyone touching them, and says so in the pending-window error', async () => {
    let now = T0;
    const server = await startTestServer({
      env: { FARAMESH_APPROVED_TTL: '5', FARAMESH_APPROVAL_TTL: '5' },
      now: () => new Date(now),
    });
    try {
      const approved = await submitAndApprove(server);
      const pending = (await server.app.inject({ method: 'POST', url: '/v1/actions', payload: shell })).json();
      expect(await server.context.service.expireDue()).toBe(0);
      now += 6_000;
      expect(await server.context.service.expireDue()).toBe(2);
      expect(await server.context.service.expireDue()).toBe(0);
      expect((await server.app.inject({ url: `/v1/actions/${approved.id}` })).json().status).toBe('expired');
      const windowClosed = await post(server, `/v1/actions/${pending.id}/start`);
      expect(windowClosed.json().error).toMatchObject({
        code: 'approval_expired',
        details: { from: 'pending_approval' },
      });
      expect((await eventsOf(server, pending.id)).at(-1)?.meta.from).toBe('pending_approval');
    } finally {
      await server.close();
    }
  });

  it('never lapses with FARAMESH_APPROVED_TTL=0', async () => {
    let now = T0;
    const server = await startTestServer({ env: { FARAMESH_APPROVED_TTL: '0' }, now: () => new Date(now) });
    try {
      const action = await submitAndApprove(server);
      expect(action.approval_expires_at).toBeNull();
      now += 365 * 86_400_000;
      expect(await server.context.service.expireDue()).toBe(0);
      expect((await post(server, `/v1/actions/${action.id}/start`)).json().status).toBe('executing');
    } finally {
      await server.close();
    }
  });
});

describe('approved-TTL expiry on two replicas sharing one SQLite file', () => {
  /** Two servers on one database file, each with its own clock, as two processes would be. */
  async function replicas(ttl: string) {
    const path = join(mkdtempSync(join(tmpdir(), 'faramesh-approved-')), 'shared.db');
    const clocks = { a: T0, b: T0 };
    const a = await startTestServer({
      env: { FARAMESH_APPROVED_TTL: ttl },
      store: createSqliteStore({ path }),
      now: () => new Date(clocks.a),
    });
    const b = await startTestServer({
      env: { FARAMESH_APPROVED_TTL: ttl },
      store: createSqliteStore({ path }),
      now: () => new Date(clocks.b),
    });
    return { a, b, clocks, close: () => Promise.all([a.close(), b.close()]) };
  }

  it('records exactly one expired event per action however many sweeps and starts race', async () => {
    const { a, b, clocks, close } = await replicas('60');
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await submitAndApprove(a)).id);
      clocks.a += 61_000;
      clocks.b += 61_000;
      const starts = ids.flatMap((id) => [post(a, `/v1/actions/${id}/start`), post(b, `/v1/actions/${id}/start`)]);
      const sweeps = [a, b, a, b].map((server) => server.context.service.expireDue());
      const [startAnswers, swept] = await Promise.all([Promise.all(starts), Promise.all(sweeps)]);
      expect(startAnswers.map((res) => res.json().error?.code)).toEqual(starts.map(() => 'approval_expired'));
      // Each sweep counts only what it expired itself: together exactly the 20 that the starts didn't take.
      expect(swept.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(20);
      for (const id of ids) {
        const types = (await eventsOf(b, id)).map((e) => e.event_type);
        expect(types.filter((t) => t === 'expired')).toHaveLength(1);
        expect(types).not.toContain('started');
      }
      expect((await a.app.inject({ url: '/v1/actions?status=expired' })).json().total).toBe(20);
    } finally {
      await close();
    }
  });

  it('lets exactly one of a start (before the deadline on A) and an expiry (after it on B) win', async () => {
    const { a, b, clocks, close } = await replicas('60');
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await submitAndApprove(a)).id);
      clocks.a += 59_000;
      clocks.b += 61_000;
      const [startAnswers] = await Promise.all([
        Promise.all(ids.map((id) => post(a, `/v1/actions/${id}/start`))),
        b.context.service.expireDue(),
      ]);
      for (const [i, id] of ids.entries()) {
        const types = (await eventsOf(a, id)).map((e) => e.event_type).slice(3);
        const answer = startAnswers[i]!;
        if (answer.statusCode === 200) {
          expect(types).toEqual(['started']);
          expect(answer.json().status).toBe('executing');
        } else {
          // Never a bare version_conflict: the start is judged again and told the approval lapsed.
          expect([types, answer.statusCode, answer.json().error.code]).toEqual([['expired'], 409, 'approval_expired']);
        }
      }
    } finally {
      await close();
    }
  });
});
