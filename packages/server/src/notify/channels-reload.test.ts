import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotificationList } from '@faramesh/contract';
import { createSqliteStore } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { eventually, newSecret, startReceiver } from './webhook-receiver.test-support.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const WAIT_MS = 30_000;
const FAST = 'delivery: { backoff_base_ms: 20, backoff_max_ms: 100, poll_ms: 20, max_attempts: 100, lease_ms: 5000 }';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Shell commands wait for approval and tell `notify` (nothing without). */
const policyNotifying = (notify: string[]) => `
rules:
  - match: { tool: shell }
    require_approval: true
    description: Shell commands need approval
${notify.length > 0 ? `    notify: [${notify.join(', ')}]\n` : ''}  - match: { tool: "*" }
    allow: true
`;

/** A webhook section: each name to its receiver, told of nothing but what the policy's notify: says. */
const hooks = (entries: Record<string, Receiver>) =>
  `webhooks:\n${Object.entries(entries)
    .map(
      ([name, receiver]) =>
        `  ${name}:\n    url: ${receiver.url}\n    events: [escalated]\n    secret_env: HOOK_SECRET\n    timeout_ms: 1000\n`,
    )
    .join('')}${FAST}\n`;

async function receiver(respond?: Parameters<typeof startReceiver>[1]) {
  const started = await startReceiver([SECRET], respond);
  cleanups.push(() => started.close());
  return started;
}

const SECRET = newSecret();

/** A server on a SQLite file with a policy file and a channels file the test rewrites. */
async function serve(channels: string, policy: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-channels-reload-'));
  const file = join(dir, 'channels.yaml');
  writeFileSync(file, channels);
  const server = await startTestServer({
    policy,
    env: { FARAMESH_CHANNELS_FILE: file, HOOK_SECRET: SECRET, ...env },
    store: createSqliteStore({ path: join(dir, 'actions.db') }),
  });
  cleanups.push(() => server.close());
  const writePolicy = (text: string) => writeFileSync(server.config.policyFile, text);
  return { server, file, writePolicy, write: (text: string) => writeFileSync(file, text) };
}

async function submit(server: TestServer, cmd = 'ls /tmp') {
  const response = await server.app.inject({
    method: 'POST',
    url: '/v1/actions',
    payload: { agent_id: 'agent-1', tool: 'shell', operation: 'run', params: { cmd } },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string };
}

const reload = (server: TestServer) => server.app.inject({ method: 'POST', url: '/v1/policy/reload' });

async function channelsReady(server: TestServer) {
  const report = (await server.app.inject({ method: 'GET', url: '/ready' })).json() as {
    checks: Record<string, { channels: string[]; last_reload_error: string | null }>;
  };
  return report.checks.channels;
}

async function notificationsOf(server: TestServer, id: string) {
  return (
    (await server.app.inject({ method: 'GET', url: `/v1/actions/${id}/notifications` })).json() as NotificationList
  ).items;
}

const toldAbout = (r: Receiver, id: string) => r.received.some((x) => x.status === 200 && x.body.includes(id));

describe('reloading FARAMESH_CHANNELS_FILE', () => {
  it('swaps in a valid file with the policy naming its new channel, and still delivers what was queued', async () => {
    // The old endpoint is down when the reload happens: its queued message must still arrive after.
    let opsUp = false;
    const ops = await receiver(() => (opsUp ? 200 : 503));
    const audit = await receiver();
    const s = await serve(hooks({ ops }), policyNotifying(['ops']));
    const before = await submit(s.server);
    await eventually(() => ops.received.some((r) => r.body.includes(before.id)), WAIT_MS);

    s.write(hooks({ ops, audit }));
    s.writePolicy(policyNotifying(['ops', 'audit']));
    const reloaded = await reload(s.server);
    expect(reloaded.statusCode).toBe(200);
    expect(reloaded.json()).toMatchObject({
      changed: true,
      channels: { channels: ['ops', 'audit'], last_error: null },
    });
    expect(await channelsReady(s.server)).toMatchObject({ channels: ['ops', 'audit'], last_reload_error: null });

    const after = await submit(s.server, 'id');
    await eventually(() => toldAbout(audit, after.id), WAIT_MS);
    opsUp = true;
    await eventually(() => toldAbout(ops, before.id) && toldAbout(ops, after.id), WAIT_MS);
    for (const id of [before.id, after.id]) {
      await eventually(
        async () => (await notificationsOf(s.server, id)).every((n) => n.state === 'delivered'),
        WAIT_MS,
      );
    }
    expect(audit.received.some((r) => r.body.includes(before.id))).toBe(false);
    expect([...ops.received, ...audit.received].every((r) => r.verified[0] === true)).toBe(true);
  });

  it('refuses an invalid file with the key named, and keeps delivering through the last good channels', async () => {
    const ops = await receiver();
    const s = await serve(hooks({ ops }), policyNotifying(['ops']));
    s.write(`${hooks({ ops }).replace('timeout_ms: 1000', 'timeout_ms: 1000\n    retries: 3')}`);

    const refused = await reload(s.server);
    expect(refused.statusCode).toBe(422);
    const error = (refused.json() as { error: { code: string; message: string; details: Record<string, unknown> } })
      .error;
    expect(error.code).toBe('channels_invalid');
    expect(error.message).toContain('webhooks.ops: unknown key `retries`');
    expect(error.message).toContain('the last good channels stay in use');
    expect(error.details).toMatchObject({ channels: { channels: ['ops'] } });
    expect(await channelsReady(s.server)).toMatchObject({
      channels: ['ops'],
      last_reload_error: expect.stringContaining('unknown key `retries`'),
    });

    const action = await submit(s.server);
    await eventually(() => toldAbout(ops, action.id), WAIT_MS);

    // A secret that isn't set is refused the same way, naming the variable and never a value.
    s.write(hooks({ ops }).replace('secret_env: HOOK_SECRET', 'secret_env: MISSING_SECRET'));
    const unset = (await reload(s.server)).json() as { error: { message: string } };
    expect(unset.error.message).toContain('MISSING_SECRET is not set');
    expect(JSON.stringify(unset)).not.toContain(SECRET.slice(6));

    // Fixed: the next reload clears the error.
    s.write(hooks({ ops }));
    expect((await reload(s.server)).statusCode).toBe(200);
    expect(await channelsReady(s.server)).toMatchObject({ last_reload_error: null });
  });

  it("refuses to remove a channel the active policy's notify: names, until the policy stops naming it", async () => {
    const ops = await receiver();
    const audit = await receiver();
    const s = await serve(hooks({ ops, audit }), policyNotifying(['ops', 'audit']));
    s.write(hooks({ audit }));

    const refused = await reload(s.server);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      error: { code: 'channels_invalid', details: { channels: { channels: ['ops', 'audit'] } } },
    });
    expect((refused.json() as { error: { message: string } }).error.message).toContain(
      "removes ops, still named by the active policy's notify:",
    );
    const action = await submit(s.server);
    await eventually(() => toldAbout(ops, action.id) && toldAbout(audit, action.id), WAIT_MS);

    // The policy and the channels file changed together: both reload.
    s.writePolicy(policyNotifying(['audit']));
    const both = await reload(s.server);
    expect(both.statusCode).toBe(200);
    expect(both.json()).toMatchObject({ changed: true, channels: { channels: ['audit'], last_error: null } });
    // A policy naming the removed channel no longer loads.
    s.writePolicy(policyNotifying(['ops']));
    expect((await reload(s.server)).json()).toMatchObject({ error: { code: 'policy_invalid' } });
  });

  it('reloads on its own when the file changes, with FARAMESH_HOT_RELOAD', async () => {
    const ops = await receiver();
    const audit = await receiver();
    const s = await serve(hooks({ ops }), policyNotifying([]), { FARAMESH_HOT_RELOAD: '1' });
    s.write(hooks({ ops, audit }));
    await eventually(async () => (await channelsReady(s.server))?.channels.includes('audit'), WAIT_MS);
    s.write('webhooks: [not, a, mapping]\n');
    await eventually(async () => (await channelsReady(s.server))?.last_reload_error !== null, WAIT_MS);
    expect(await channelsReady(s.server)).toMatchObject({
      channels: ['ops', 'audit'],
      last_reload_error: expect.stringContaining('webhooks must map endpoint names to settings'),
    });
  });
});
