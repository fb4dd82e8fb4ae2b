import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type Store } from '@faramesh/store';
import { afterEach, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { newSecret, startReceiver } from './webhook-receiver.test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('leaves no lease on a message whose write commits while the server shuts down', async () => {
  const receiver = await startReceiver([]);
  cleanups.push(() => receiver.close());
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-shutdown-'));
  const channels = join(dir, 'channels.yaml');
  writeFileSync(
    channels,
    `webhooks:
  ops:
    url: ${receiver.url}
    events: [decision_made]
    secret_env: [OPS_HOOK_SECRET]
delivery: { lease_ms: 600000, poll_ms: 20 }
`,
  );
  // The submission's write waits at the store until the shutdown has begun: its message was routed
  // (leased to this replica's worker) before, and commits after.
  const path = join(dir, 'actions.db');
  const store = createSqliteStore({ path });
  let reachedWrite!: () => void;
  const atWrite = new Promise<void>((done) => {
    reachedWrite = done;
  });
  let letWrite!: () => void;
  const gate = new Promise<void>((done) => {
    letWrite = done;
  });
  const gated: Store = {
    ...store,
    createAction: async (input) => {
      reachedWrite();
      await gate;
      return store.createAction(input);
    },
  };
  const server = await startTestServer({
    env: { OPS_HOOK_SECRET: newSecret(), FARAMESH_CHANNELS_FILE: channels },
    store: gated,
  });
  const { url } = await server.listen();

  const submitted = fetch(`${url}/v1/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'ls' } }),
  });
  await atWrite;
  const closing = server.close();
  await new Promise((done) => setTimeout(done, 100));
  letWrite();
  expect((await submitted).status).toBe(201);
  await closing;

  // Sent before the replica stopped, or given back: never left leased to a stopped replica until
  // its lease (ten minutes here) expires.
  const reopened = createSqliteStore({ path });
  cleanups.push(() => reopened.close());
  const [message] = await reopened.outbox!.list({ limit: 10 });
  expect(message).toBeDefined();
  expect(message?.status === 'delivered' || message?.lease_owner === null).toBe(true);
});
