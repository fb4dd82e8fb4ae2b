import type { Browser } from 'playwright-core';
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

// The live stream drops when the server restarts; the page must say so, reconnect by itself,
// and resume from its Last-Event-ID so what happened meanwhile still appears, all without a reload.
describe.skipIf(!HAS_CHROMIUM)('web dashboard live stream across a server restart', () => {
  let server: RunningServer;
  let browser: Browser;
  const dir = workDir().dir;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({ dir, env: { FARAMESH_UI_DIR: WEB_DIST } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the drop, reconnects, and replays actions submitted meanwhile', async () => {
    const { page, watch } = await watchedPage(await browser.newContext({ viewport: { width: 390, height: 844 } }));
    await page.goto(server.url);
    await waitLive(page);
    const port = new URL(server.url).port;
    const first = await apiClient(server.url).submit({
      agent_id: 'a',
      tool: 'http',
      operation: 'get',
      params: { url: 'https://x' },
    });
    await page.locator(`li[data-action-id="${first.id}"]`).waitFor();

    await server.stop();
    await page.locator('[data-testid="connection"]:is(.connection-reconnecting, .connection-connecting)').waitFor();

    server = await startServer({ dir, env: { FARAMESH_UI_DIR: WEB_DIST }, args: ['--port', port] });
    const api = apiClient(server.url);
    const during = await Promise.all(
      [1, 2, 3].map((n) => api.submit({ agent_id: 'a', tool: 'shell', operation: 'run', params: { n } })),
    );
    await waitLive(page);
    for (const action of during) await page.locator(`li[data-action-id="${action.id}"]`).waitFor({ timeout: 15_000 });
    expect(watch.errors).toEqual([]);
  });

  it('gives the phone layout cards and thumb-sized approve and deny buttons', async () => {
    const { page } = await watchedPage(
      await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true }),
    );
    const action = await apiClient(server.url).submit({
      agent_id: 'a',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'id' },
    });
    await page.goto(server.url);
    const card = page.locator(`li[data-action-id="${action.id}"] .action-card`);
    await card.tap();
    const approve = page.getByRole('button', { name: /^Approve/ });
    await approve.waitFor();
    const box = await approve.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(48);
    // Sticky at the bottom of the screen, reachable without scrolling.
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(844);
    expect(box?.y ?? 0).toBeGreaterThan(844 - 120);
  });
});
