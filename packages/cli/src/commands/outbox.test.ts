import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FarameshClient } from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, type TestServer } from '../testing/harness.js';

let srv: TestServer;
let receiver: ReturnType<typeof createHttpServer>;
let status = 500;
const hits: string[] = [];

beforeAll(async () => {
  receiver = createHttpServer((req, res) => {
    hits.push(String(req.headers['webhook-id']));
    req.resume();
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-cli-outbox-'));
  const file = join(dir, 'channels.yaml');
  writeFileSync(
    file,
    `webhooks:
  ops:
    url: http://127.0.0.1:${port}/hook
    events: [decision_made]
    secret_env: OPS_SECRET
delivery: { max_attempts: 1, poll_ms: 20 }
`,
  );
  srv = await startServer({
    env: { FARAMESH_CHANNELS_FILE: file, OPS_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}` },
  });
});
afterAll(async () => {
  await srv.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

async function until(check: () => Promise<boolean>) {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('outbox and channels commands', () => {
  it('lists a dead notification, re-drives it with `outbox retry`, and sends a test message', async () => {
    const client = new FarameshClient({ baseUrl: srv.url });
    const action = await client.submitAction({
      agent_id: 'bot',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'ls' },
    });
    await until(async () => (await client.actionNotifications(action.id)).items[0]?.state === 'dead');
    const dead = await cli(['outbox', 'list', '--state', 'dead'], { env: srv.env });
    expect(dead.code).toBe(0);
    expect(dead.stdout).toMatch(/msg_\S+\s+ops\s+decision_made\s+\S+\s+dead\s+1\s+HTTP 500/);
    const [id] = (await client.listNotifications({ state: 'dead' })).items.map((n) => n.id);
    status = 200;
    const retried = await cli(['outbox', 'retry', id!], { env: srv.env });
    expect(retried.code).toBe(0);
    expect(retried.stderr + retried.stdout).toContain(`Re-queued ${id} to ops`);
    await until(async () => (await client.actionNotifications(action.id)).items[0]?.state === 'delivered');
    expect(hits.filter((hit) => hit === id)).toHaveLength(2);

    const again = await cli(['outbox', 'retry', id!], { env: srv.env });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('is delivered, not dead');

    const test = await cli(['channels', 'test', 'ops'], { env: srv.env });
    expect(test.code).toBe(0);
    await until(async () => hits.length === 3);
    expect(hits).toHaveLength(3);
    const unknown = await cli(['channels', 'test', 'nope'], { env: srv.env });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no channel named nope');
  });
});
