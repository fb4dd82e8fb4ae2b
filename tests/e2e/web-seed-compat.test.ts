import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../packages/web/e2e/api.js';
import {
  assertWebBuilt,
  HAS_CHROMIUM,
  launchChromium,
  WEB_DIST,
  waitLive,
  watchedPage,
} from '../../packages/web/e2e/browser.js';
import { type RunningServer, startServer, workDir } from './harness.js';

if (!HAS_CHROMIUM) console.warn('web e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

interface Seen {
  via: string;
  lastEventId: string;
  type: string;
  action_id: string;
  seq: number;
}

/** The page's `EventSource`, as far as these tests use it (this file is type-checked without DOM types). */
interface PageEventSource {
  readyState: number;
  onmessage: ((message: { data: string; lastEventId: string }) => void) | null;
  addEventListener(name: string, listener: (message: { data: string; lastEventId: string }) => void): void;
}
type PageGlobals = Record<string, { source: PageEventSource; seen: Seen[] }> & {
  EventSource: new (url: string) => PageEventSource;
};

/** Opens a browser EventSource on the page, recording what `onmessage` and named listeners receive. */
async function openEventSource(page: Page, key: string, path: string, names: string[]): Promise<void> {
  await page.evaluate(
    ({ key, path, names }) => {
      const page = globalThis as unknown as PageGlobals;
      const seen: Seen[] = [];
      const source = new page.EventSource(path);
      const record = (via: string) => (message: { data: string; lastEventId: string }) => {
        const data = JSON.parse(message.data);
        seen.push({
          via,
          lastEventId: message.lastEventId,
          type: data.type,
          action_id: data.action.id,
          seq: data.event.seq,
        });
      };
      source.onmessage = record('message');
      for (const name of names) source.addEventListener(name, record(name));
      page[key] = { source, seen };
    },
    { key, path, names },
  );
  // 1 = OPEN
  await page.waitForFunction((key) => (globalThis as unknown as PageGlobals)[key]?.source.readyState === 1, key);
}

async function seenBy(page: Page, key: string, count: number): Promise<Seen[]> {
  await page.waitForFunction(
    ({ key, count }) => ((globalThis as unknown as PageGlobals)[key]?.seen.length ?? 0) >= count,
    { key, count },
    { timeout: 15_000 },
  );
  return page.evaluate((key) => (globalThis as unknown as PageGlobals)[key]?.seen ?? [], key);
}

// Consumers written for the seed use the browser's own EventSource with `onmessage`; the dashboard's
// origin is where such a page lives (EventSource can't send a bearer token, so this is open mode).
describe.skipIf(!HAS_CHROMIUM)('a browser EventSource on the server origin', () => {
  let server: RunningServer;
  let browser: Browser;
  const { dir } = workDir();

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({ dir, env: { FARAMESH_UI_DIR: WEB_DIST } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('delivers unnamed frames to onmessage and named ones to addEventListener, resuming across a restart', async () => {
    const { page, watch } = await watchedPage(await browser.newContext());
    await page.goto(server.url);
    await waitLive(page);
    await openEventSource(page, 'unnamed', '/v1/events?format=unnamed', ['action.created']);
    await openEventSource(page, 'named', '/v1/events', ['action.created', 'action.decided']);
    const api = apiClient(server.url);
    const first = await api.submit({
      agent_id: 'browser',
      tool: 'http',
      operation: 'get',
      params: { url: 'https://x' },
    });

    const unnamed = await seenBy(page, 'unnamed', 2);
    expect(unnamed.map((m) => [m.via, m.type, m.action_id])).toEqual([
      ['message', 'action.created', first.id],
      ['message', 'action.decided', first.id],
    ]);
    const named = await seenBy(page, 'named', 2);
    expect(named.map((m) => [m.via, m.type])).toEqual([
      ['action.created', 'action.created'],
      ['action.decided', 'action.decided'],
    ]);

    // The browser reconnects by itself with Last-Event-ID; what happened meanwhile arrives once.
    const port = new URL(server.url).port;
    await server.stop();
    server = await startServer({ dir, env: { FARAMESH_UI_DIR: WEB_DIST }, args: ['--port', port] });
    const second = await apiClient(server.url).submit({ agent_id: 'browser', tool: 'shell', operation: 'run' });
    for (const key of ['unnamed', 'named']) {
      const all = await seenBy(page, key, 4);
      expect(all.map((m) => m.action_id)).toEqual([first.id, first.id, second.id, second.id]);
      expect(all.map((m) => m.type)).toEqual(['action.created', 'action.decided', 'action.created', 'action.decided']);
      expect(all.map((m) => m.lastEventId)).toEqual(all.map((m) => String(m.seq)));
      expect(new Set(all.map((m) => m.seq)).size).toBe(4);
    }
    expect(watch.errors).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
  });
});

const SHARED = 'seed-shared-token-for-the-ui';

// The seed's single token: the agent and the human are the same identity. The dashboard says so,
// lets the decision through, and shows it as a self-approval.
describe.skipIf(!HAS_CHROMIUM)('the dashboard with one shared token', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({ env: { FARAMESH_UI_DIR: WEB_DIST, FARAMESH_TOKEN: SHARED } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('approves an action submitted with the same token and shows it as a self-approval', async () => {
    const action = await apiClient(server.url, SHARED).submit({
      agent_id: 'seed-agent',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'ls -la /tmp' },
    });
    const { page, watch } = await watchedPage(await browser.newContext());
    await page.goto(`${server.url}/?action=${action.id}`);
    await page.getByLabel('Access token').fill(SHARED);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('shared-identity-banner').waitFor();
    expect(await page.getByTestId('shared-identity-banner').textContent()).toContain('FARAMESH_TOKENS');

    const drawer = page.getByTestId('action-drawer');
    await drawer.getByText(/recorded as a self-approval/).waitFor();
    await drawer.getByRole('button', { name: /^Approve/ }).click();
    await drawer.getByTestId('self-approval').waitFor();
    expect(await drawer.locator('.approval-done').textContent()).toContain('Approved by admin');
    await drawer.locator('[data-event-type="approved"] .self-approval-badge').waitFor();

    const events = await apiClient(server.url, SHARED).events(action.id);
    expect(events.find((e) => e.event_type === 'approved')?.meta).toMatchObject({ by: 'admin', self_approval: true });
    expect(watch.errors).toEqual([]);
  });
});
