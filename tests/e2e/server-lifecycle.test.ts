import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, openStream, type RunningServer, startServer } from './harness.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

const shell = (cmd: string) => ({ agent_id: 'e2e-agent', tool: 'shell', operation: 'run', params: { cmd } });

describe('the README walkthrough over HTTP and SSE', () => {
  it('submits, approves, starts and completes an action while the stream shows every step', async () => {
    const stream = openStream(`${server.url}/v1/events`);
    await new Promise((r) => setTimeout(r, 200));
    const created = await api(server.url, '/v1/actions', { body: shell('ls -la /tmp') });
    expect(created.status).toBe(201);
    const action = created.json;
    expect(action.status).toBe('pending_approval');

    const approved = await api(server.url, `/v1/actions/${action.id}/approval`, {
      body: { token: action.approval_token, approve: true, reason: 'Looks safe' },
    });
    expect(approved.json.status).toBe('approved');
    expect((await api(server.url, `/v1/actions/${action.id}/start`, { method: 'POST' })).json.status).toBe('executing');
    const done = await api(server.url, `/v1/actions/${action.id}/result`, { body: { success: true } });
    expect(done.json.status).toBe('succeeded');

    const frames = await stream.waitFor(5);
    await stream.close();
    expect(frames.map((f) => f.event)).toEqual([
      'action.created',
      'action.decided',
      'action.approved',
      'action.started',
      'action.succeeded',
    ]);
    const ids = frames.map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const last = JSON.parse(frames[4]!.data);
    expect(last.action).toMatchObject({ id: action.id, status: 'succeeded' });
    expect(last.event).toMatchObject({ event_type: 'succeeded', action_id: action.id });
    for (const frame of frames) expect(JSON.parse(frame.data).action.approval_token).toBeUndefined();
  });

  it('resumes with Last-Event-ID delivering exactly the missed events', async () => {
    const first = openStream(`${server.url}/v1/events`);
    await new Promise((r) => setTimeout(r, 200));
    await api(server.url, '/v1/actions', { body: shell('echo one') });
    const [seen] = await first.waitFor(1);
    await first.close();
    // While disconnected: the rest of the first action's frame pair plus two more actions.
    await api(server.url, '/v1/actions', { body: shell('echo two') });
    await api(server.url, '/v1/actions', { body: { agent_id: 'e2e', tool: 'http', operation: 'get', params: {} } });
    const resumed = openStream(`${server.url}/v1/events`, { 'last-event-id': seen!.id! });
    const frames = await resumed.waitFor(5);
    await new Promise((r) => setTimeout(r, 300));
    await resumed.close();
    expect(resumed.frames).toHaveLength(5);
    const ids = frames.map((f) => Number(f.id));
    expect(ids).toEqual([1, 2, 3, 4, 5].map((n) => Number(seen!.id) + n));
  });

  it('filters the stream by tool and action', async () => {
    const onlyHttp = openStream(`${server.url}/v1/events?tool=http`);
    await new Promise((r) => setTimeout(r, 200));
    await api(server.url, '/v1/actions', { body: shell('echo filtered-out') });
    const httpAction = (
      await api(server.url, '/v1/actions', { body: { agent_id: 'f', tool: 'http', operation: 'get' } })
    ).json;
    const frames = await onlyHttp.waitFor(2);
    await onlyHttp.close();
    expect(frames.every((f) => JSON.parse(f.data).action.id === httpAction.id)).toBe(true);
  });

  it('lets exactly one of 100 concurrent approve/deny requests win over real sockets', async () => {
    const action = (await api(server.url, '/v1/actions', { body: shell('reboot-ish') })).json;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api(server.url, `/v1/actions/${action.id}/approval`, {
          body: { token: action.approval_token, approve: i % 3 === 0 },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(99);
    const events = (await api(server.url, `/v1/actions/${action.id}/events`)).json as { event_type: string }[];
    expect(events.filter((e) => e.event_type === 'approved' || e.event_type === 'denied')).toHaveLength(1);
    const final = (await api(server.url, `/v1/actions/${action.id}`)).json;
    expect(final.version).toBe(2);
  });

  it('wakes a long-poll within the same moment an approval lands', async () => {
    const action = (await api(server.url, '/v1/actions', { body: shell('echo wait') })).json;
    const waiting = api(server.url, `/v1/actions/${action.id}/wait?timeout_ms=20000`);
    await new Promise((r) => setTimeout(r, 200));
    await api(server.url, `/v1/actions/${action.id}/approval`, {
      body: { token: action.approval_token, approve: true },
    });
    const answered = await waiting;
    expect(answered.json.status).toBe('approved');
  });

  it('serves health, readiness, metrics and the playground page', async () => {
    expect((await api(server.url, '/health')).json).toEqual({ status: 'ok' });
    const ready = await api(server.url, '/ready');
    expect(ready.json.checks.database).toMatchObject({
      backend: 'sqlite',
      durability: { journal_mode: 'wal', synchronous: 'full', checkpoint: 'worker' },
    });
    const metrics = await api(server.url, '/metrics');
    expect(metrics.json).toContain('faramesh_actions_total{status="pending_approval",tool="shell"}');
    const page = await fetch(`${server.url}/playground`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
