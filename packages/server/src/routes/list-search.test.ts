import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action, ActionList } from '@faramesh/contract';
import { createSqliteStore } from '@faramesh/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-list-search-'));
  const store = createSqliteStore({ path: join(dir, 'actions.db') });
  await store.migrate();
  server = await startTestServer({ store });
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const submit = async (params: Record<string, unknown>, context: Record<string, unknown> = {}) =>
  (
    await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: { agent_id: 'ops-bot', tool: 'shell', operation: 'run', params, context },
    })
  ).json() as Action;
const list = async (query: string) => (await server.app.inject({ url: `/v1/actions?${query}` })).json() as ActionList;

describe('GET /v1/actions q and summary', () => {
  it('tells three pending shell actions apart by their summaries, hidden characters kept for the client', async () => {
    await submit({ cmd: 'kubectl   delete pod web-1' });
    await submit({ command: "'ls' -la /srv" });
    await submit({ cmd: 'rm\u200b -rf /tmp/cache' });
    const { items } = await list('status=pending_approval');
    expect(items.map((a) => a.summary)).toEqual([
      "'rm\u200b' -rf /tmp/cache",
      'ls -la /srv',
      'kubectl delete pod web-1',
    ]);
    const one = (await server.app.inject({ url: `/v1/actions/${items[0]!.id}` })).json() as Action;
    expect(one.summary).toBe("'rm\u200b' -rf /tmp/cache");
  });

  it('finds actions by text in params and context, as the contract defines q', async () => {
    const kubectl = await submit({ cmd: 'kubectl delete pod web-1' });
    const ticket = await submit({ cmd: 'ls' }, { ticket: 'INC-2041' });
    await submit({ cmd: 'echo "done"' });
    const ids = async (q: string) => (await list(`q=${encodeURIComponent(q)}`)).items.map((a) => a.id);
    expect(await ids('kubectl')).toEqual([kubectl.id]);
    expect(await ids('KUBECTL DELETE')).toEqual([kubectl.id]);
    expect(await ids('inc-2041')).toEqual([ticket.id]);
    expect((await list('q=echo%20%22done')).total).toBe(1);
    expect((await list('q=ops-bot')).total).toBe(3);
  });

  it('sends the summary in every SSE frame, so rows updated live keep it', async () => {
    const { url } = await server.listen();
    const stream = await fetch(`${url}/v1/events`);
    const created = await submit({ url: 'https://api.example.com/items', method: 'delete' });
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes(created.id)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader.cancel();
    const data = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { action: Action });
    expect(data[0]?.action.summary).toBe('DELETE https://api.example.com/items');
  });

  it('publishes the summary, bounded, in the OpenAPI document', async () => {
    const doc = (await server.app.inject({ url: '/openapi.json' })).json();
    expect(doc.components.schemas.Action.properties.summary).toMatchObject({ type: 'string', maxLength: 500 });
    expect(doc.paths['/v1/actions'].get.responses['2XX'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ActionList',
    });
  });
});
