import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../packages/web/e2e/api.js';
import {
  assertWebBuilt,
  HAS_CHROMIUM,
  launchChromium,
  type PageWatch,
  WEB_DIST,
  waitLive,
  watchedPage,
} from '../../packages/web/e2e/browser.js';
import { type RunningServer, startServer } from './harness.js';

if (!HAS_CHROMIUM) console.warn('web e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

// A withdrawn action in a real browser: the live row, the status filter and the drawer.
describe.skipIf(!HAS_CHROMIUM)('web dashboard: cancelled actions', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({ env: { FARAMESH_UI_DIR: WEB_DIST } });
    api = apiClient(server.url);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    ({ page, watch } = await watchedPage(context));
    await page.goto(server.url);
    await waitLive(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function cancel(id: string, reason: string): Promise<void> {
    const res = await fetch(`${server.url}/v1/actions/${id}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
    });
    expect(res.status).toBe(200);
  }

  it('turns a pending row into a Cancelled badge live, and shows who withdrew it and why in the drawer', async () => {
    const action = await api.submit({
      agent_id: 'e2e-agent',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'du -sh' },
    });
    const row = page.locator(`tr[data-action-id="${action.id}"]`);
    await row.locator('[data-status="pending_approval"]').waitFor({ timeout: 10_000 });
    await cancel(action.id, 'agent interrupted <b>by</b> Ctrl-C');
    const badge = row.locator('[data-status="cancelled"]');
    await badge.waitFor({ timeout: 10_000 });
    expect(await badge.textContent()).toBe('Cancelled');
    // Told apart from expired by more than its label: an outline instead of a filled background.
    const style = `getComputedStyle(document.querySelector('tr[data-action-id="${action.id}"] [data-status]'))`;
    expect(await page.evaluate(`${style}.boxShadow`)).toMatch(/inset/);
    expect(await page.evaluate(`${style}.backgroundColor`)).toBe('rgba(0, 0, 0, 0)');

    await row.locator('.row-open').click();
    const drawer = page.getByTestId('action-drawer');
    const event = drawer.locator('[data-event-type="cancelled"]');
    await event.waitFor();
    expect(await event.textContent()).toContain('agent interrupted <b>by</b> Ctrl-C');
    expect(await event.textContent()).toContain('pending_approval');
    expect(await drawer.getByRole('status').textContent()).toMatch(/nothing left to approve/);
    expect(await drawer.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('lists cancelled actions under the Cancelled status filter', async () => {
    const kept = await api.submit({ agent_id: 'e2e-agent', tool: 'shell', operation: 'run', params: { cmd: 'date' } });
    const withdrawn = await api.submit({
      agent_id: 'e2e-agent',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'w' },
    });
    await cancel(withdrawn.id, 'not needed');
    await page.locator('#filter-status').selectOption({ label: 'Cancelled' });
    await page.locator(`tr[data-action-id="${kept.id}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator(`tr[data-action-id="${withdrawn.id}"]`).waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('status')).toBe('cancelled');
    const statuses = await page.evaluate(
      `Array.from(document.querySelectorAll('tr[data-action-id] [data-status]'), (el) => el.dataset.status)`,
    );
    expect(new Set(statuses as string[])).toEqual(new Set(['cancelled']));
    expect(watch.errors).toEqual([]);
  });
});
