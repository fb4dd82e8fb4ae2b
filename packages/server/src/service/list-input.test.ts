import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { LIST_PAGE_BYTES } from './list-input.js';

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
});

describe('listing large actions', () => {
  it('ends a page at LIST_PAGE_BYTES with a next_cursor, and the cursor pages through every action once', async () => {
    server = await startTestServer();
    const s = server;
    const blob = 'x'.repeat(1024 * 1024 - 200);
    const count = Math.ceil((LIST_PAGE_BYTES * 2.5) / blob.length);
    for (let i = 0; i < count; i++) {
      const res = await s.app.inject({
        method: 'POST',
        url: '/v1/actions',
        payload: { agent_id: 'big', tool: 'http', operation: 'get', params: { i, blob } },
      });
      expect(res.statusCode).toBe(201);
    }
    const seen: number[] = [];
    let url = '/v1/actions?limit=500';
    for (let pages = 0; pages < 20; pages++) {
      const page = (await s.app.inject({ url })).json();
      expect(page.total).toBe(count);
      expect(page.items.length).toBeLessThanOrEqual(Math.ceil(LIST_PAGE_BYTES / blob.length));
      seen.push(...page.items.map((a: { params: { i: number } }) => a.params.i));
      if (page.next_cursor === null) break;
      url = `/v1/actions?limit=500&cursor=${encodeURIComponent(page.next_cursor)}`;
    }
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => count - 1 - i));
  });
});
