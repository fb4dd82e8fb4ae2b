import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  newSecret,
  startReceiver,
} from '../../packages/server/src/notify/webhook-receiver.test-support.js';
import { api, type RunningServer, startServer, workDir } from './harness.js';

const running: RunningServer[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop().catch(() => {});
  for (const close of closers.splice(0)) await close();
});

describe('webhook delivery across a killed replica', () => {
  it('delivers a message whose replica was killed with SIGKILL mid-delivery, from another replica', async () => {
    const secret = newSecret();
    let hang = true;
    const receiver = await startReceiver([secret], () => (hang ? 'hang' : 200));
    closers.push(() => receiver.close());
    const dir = workDir();
    const channels = join(dir.dir, 'channels.yaml');
    writeFileSync(
      channels,
      `webhooks:\n  ops:\n    url: ${receiver.url}\n    events: ['*']\n    secret_env: OPS_SECRET\n    timeout_ms: 30000\ndelivery: { lease_ms: 2000, poll_ms: 50 }\n`,
    );
    const env = { FARAMESH_CHANNELS_FILE: channels, OPS_SECRET: secret };
    const first = await startServer({ dir: dir.dir, env });
    running.push(first);
    const submitted = await api(first.url, '/v1/actions', { body: { agent_id: 'a', tool: 'http', operation: 'get' } });
    expect(submitted.status).toBe(201);
    // `created` and `decision_made`: the first replica holds both, hanging, when it is killed.
    await eventually(() => receiver.received.length === 2);
    await first.kill();
    running.splice(running.indexOf(first), 1);
    hang = false;

    const second = await startServer({ dir: dir.dir, env });
    running.push(second);
    await eventually(async () => {
      const listed = await api(second.url, `/v1/actions/${submitted.json.id}/notifications`);
      return listed.json.items.every((n: { state: string }) => n.state === 'delivered') && listed.json.items;
    }, 20_000);
    const ids = [...new Set(receiver.received.map((r) => r.id))];
    expect(ids).toHaveLength(2);
    expect([...receiver.delivered().values()]).toEqual([1, 1]);
    expect(receiver.received.every((r) => r.verified[0] === true)).toBe(true);
  });
});
