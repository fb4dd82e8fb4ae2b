import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NotificationList } from '@faramesh/contract';
import { createSqliteStore } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { eventually, newSecret, startReceiver } from './webhook-receiver.test-support.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FAST = 'delivery: { backoff_base_ms: 20, backoff_max_ms: 100, poll_ms: 20, max_attempts: 3, lease_ms: 5000 }';

/** A server on a SQLite file whose channels file has one webhook `ops` to `receiver`. */
async function serve(
  receiver: Receiver,
  options: { secrets?: string[]; events?: string; extra?: string; policy?: string } = {},
) {
  const secrets = options.secrets ?? [newSecret()];
  const env: Record<string, string> = { FARAMESH_PUBLIC_URL: 'https://faramesh.example.com' };
  secrets.forEach((secret, i) => {
    env[`OPS_HOOK_SECRET_${i}`] = secret;
  });
  const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'faramesh-hooks-'));
  const file = join(dir, 'channels.yaml');
  writeFileSync(
    file,
    `webhooks:
  ops:
    url: ${receiver.url}
    events: ${options.events ?? '[decision_made]'}
    secret_env: [${secrets.map((_, i) => `OPS_HOOK_SECRET_${i}`).join(', ')}]
    timeout_ms: 300
${options.extra ?? FAST}
`,
  );
  const server = await startTestServer({
    ...(options.policy !== undefined && { policy: options.policy }),
    env: { ...env, FARAMESH_CHANNELS_FILE: file },
    store: createSqliteStore({ path: join(dir, 'actions.db') }),
  });
  cleanups.push(() => server.close());
  return { server, secrets };
}

async function submitPending(server: TestServer, command = 'ls /tmp') {
  const response = await server.app.inject({
    method: 'POST',
    url: '/v1/actions',
    payload: { agent_id: 'agent-1', tool: 'shell', operation: 'run', params: { cmd: command } },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; status: string; approval_token: string; request_hash: string };
}

async function notificationsOf(server: TestServer, id: string) {
  const response = await server.app.inject({ method: 'GET', url: `/v1/actions/${id}/notifications` });
  expect(response.statusCode).toBe(200);
  return (response.json() as NotificationList).items;
}

describe('webhook notifications', () => {
  it('delivers a pending action to a receiver that verifies it with standardwebhooks', async () => {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const { server, secrets } = await serve(receiver);
    receiver.received.length = 0;
    const action = await submitPending(server);
    expect(action.status).toBe('pending_approval');
    const [hit] = await eventually(() => receiver.received.length > 0 && receiver.received);
    const verifier = await import('standardwebhooks');
    const payload = new verifier.Webhook(secrets[0]!).verify(hit!.body, hit!.headers as Record<string, string>) as {
      type: string;
      data: Record<string, unknown> & { action: { id: string; status: string } };
    };
    expect(payload.type).toBe('action.decision_made');
    expect(payload.data.action).toMatchObject({ id: action.id, status: 'pending_approval' });
    expect(payload.data).toMatchObject({
      decision: 'require_approval',
      request_hash: action.request_hash,
      dashboard_url: `https://faramesh.example.com/?action=${action.id}`,
    });
    expect(typeof payload.data.policy_hash).toBe('string');
    // The approval token never leaves in a notification.
    expect(hit!.body).not.toContain(action.approval_token);
    expect(hit!.body).not.toContain('approval_token');
    await eventually(async () => (await notificationsOf(server, action.id))[0]?.state === 'delivered');
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('faramesh_notifications_total{channel="ops",outcome="delivered"} 1');
    expect(metrics.body).toContain('faramesh_notification_delivery_seconds_count{channel="ops"} 1');
  });

  it('loses nothing through a receiver outage, and repeats a message only under the same webhook-id', async () => {
    let down = true;
    const receiver = await startReceiver([], () => (down ? 503 : 200));
    cleanups.push(() => receiver.close());
    const { server } = await serve(receiver, {
      extra: 'delivery: { backoff_base_ms: 30, backoff_max_ms: 60, poll_ms: 20, max_attempts: 100 }',
    });
    const actions = await Promise.all([1, 2, 3, 4, 5].map((n) => submitPending(server, `ls /tmp/${n}`)));
    await eventually(() => receiver.received.length >= 10);
    down = false;
    const delivered = await eventually(() => receiver.delivered().size === 5 && receiver.delivered());
    // Outcomes are recorded together shortly after the deliveries end.
    const stateOf = async () => Promise.all(actions.map(async (a) => (await notificationsOf(server, a.id))[0]?.state));
    await eventually(async () => (await stateOf()).every((state) => state !== 'queued' && state !== 'retrying'));
    expect(await stateOf()).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
    for (const count of delivered.values()) expect(count).toBe(1);
    // Every attempt of a message carried its one id: five ids in all, failed attempts included.
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(5);
  });

  it('dead-letters after the attempt limit with the last error shown, and re-drives it', async () => {
    let status = 500;
    const receiver = await startReceiver([], () => status);
    cleanups.push(() => receiver.close());
    const { server } = await serve(receiver);
    const action = await submitPending(server);
    const [dead] = await eventually(async () => {
      const items = await notificationsOf(server, action.id);
      return items[0]?.state === 'dead' && items;
    });
    expect(dead).toMatchObject({ attempts: 3, last_error: 'HTTP 500' });
    expect(receiver.received).toHaveLength(3);
    const listed = await server.app.inject({ method: 'GET', url: '/v1/outbox?state=dead' });
    expect(listed.json()).toMatchObject({ items: [{ id: dead!.id, state: 'dead' }] });
    status = 200;
    const retried = await server.app.inject({ method: 'POST', url: `/v1/outbox/${dead!.id}/retry` });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ state: 'queued', attempts: 0 });
    await eventually(async () => (await notificationsOf(server, action.id))[0]?.state === 'delivered');
    const again = await server.app.inject({ method: 'POST', url: `/v1/outbox/${dead!.id}/retry` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'notification_not_dead' } });
    const missing = await server.app.inject({ method: 'POST', url: '/v1/outbox/msg_nope/retry' });
    expect(missing.json()).toMatchObject({ error: { code: 'notification_not_found' } });
  });

  it('signs with both secrets during a rotation, so a receiver holding either one verifies', async () => {
    const [oldSecret, newSecretValue] = [newSecret(), newSecret()];
    const receiver = await startReceiver([oldSecret, newSecretValue, newSecret()]);
    cleanups.push(() => receiver.close());
    const { server } = await serve(receiver, { secrets: [newSecretValue, oldSecret] });
    await submitPending(server);
    const [hit] = await eventually(() => receiver.received.length > 0 && receiver.received);
    expect(hit!.verified).toEqual([true, true, false]);
    expect(String(hit!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  });

  it('does not follow redirects and gives up on a receiver that never answers', async () => {
    const elsewhere = await startReceiver([]);
    cleanups.push(() => elsewhere.close());
    const redirecting = await startReceiver([], () => ({ redirect: elsewhere.url }));
    cleanups.push(() => redirecting.close());
    const first = await serve(redirecting);
    const a = await submitPending(first.server);
    const [deadA] = await eventually(async () => {
      const items = await notificationsOf(first.server, a.id);
      return items[0]?.state === 'dead' && items;
    });
    expect(deadA!.last_error).toBe('HTTP 302 (redirects are not followed)');
    expect(elsewhere.received).toHaveLength(0);

    const hanging = await startReceiver([], () => 'hang');
    cleanups.push(() => hanging.close());
    const second = await serve(hanging);
    const b = await submitPending(second.server);
    const [deadB] = await eventually(async () => {
      const items = await notificationsOf(second.server, b.id);
      return items[0]?.state === 'dead' && items;
    });
    expect(deadB!.last_error).toBe('no answer within 300 ms');
  });

  it('notifies only the event types an endpoint subscribes to, approvals included', async () => {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const { server } = await serve(receiver, { events: '[approved, denied]' });
    const action = await submitPending(server);
    const approved = await server.app.inject({
      method: 'POST',
      url: `/v1/actions/${action.id}/approval`,
      payload: { token: action.approval_token, approve: true },
    });
    expect(approved.statusCode).toBe(200);
    const [hit] = await eventually(() => receiver.received.length > 0 && receiver.received);
    const payload = JSON.parse(hit!.body) as { type: string; data: { status: string; action: { id: string } } };
    expect(payload).toMatchObject({ type: 'action.approved', data: { status: 'approved', action: { id: action.id } } });
    expect(hit!.body).not.toContain(action.approval_token);
    const items = await notificationsOf(server, action.id);
    expect(items.map((n) => n.event_type)).toEqual(['approved']);
  });

  it("tells the channels a rule's notify: names when it makes an action wait, whatever their event filter", async () => {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const policy = `rules:
  - match: { tool: shell, op: "*" }
    require_approval: true
    notify: [ops]
  - match: { tool: "*", op: "*" }
    allow: true
`;
    const { server } = await serve(receiver, { events: '[approved]', policy });
    const action = await submitPending(server);
    const [hit] = await eventually(() => receiver.received.length > 0 && receiver.received);
    expect(JSON.parse(hit!.body)).toMatchObject({ type: 'action.decision_made', data: { action: { id: action.id } } });
    // An allowed action is not waiting: its rule tells no one, and `ops` only wants approvals.
    const allowed = await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: { agent_id: 'agent-1', tool: 'http', operation: 'get' },
    });
    expect(await notificationsOf(server, (allowed.json() as { id: string }).id)).toEqual([]);
  });

  it('refuses to start when a rule notifies a channel that is not configured, naming line and column', async () => {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const policy = 'rules:\n  - match: { tool: "*" }\n    require_approval: true\n    notify: [finance]\n';
    await expect(serve(receiver, { policy })).rejects.toThrow(/4:14.*no channel named "finance"; configured: ops/);
  });

  it('sends a test message to a channel on request, and refuses an unknown channel', async () => {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const { server, secrets } = await serve(receiver, { events: "['*']" });
    const response = await server.app.inject({ method: 'POST', url: '/v1/channels/ops/test' });
    expect(response.statusCode).toBe(202);
    const [hit] = await eventually(() => receiver.received.length > 0 && receiver.received);
    const { Webhook } = await import('standardwebhooks');
    expect(new Webhook(secrets[0]!).verify(hit!.body, hit!.headers as Record<string, string>)).toMatchObject({
      type: 'faramesh.test',
    });
    const unknown = await server.app.inject({ method: 'POST', url: '/v1/channels/nope/test' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'channel_not_found', details: { channels: ['ops'] } } });
  });
});
