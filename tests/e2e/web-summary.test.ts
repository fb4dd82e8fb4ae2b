import type { Action } from '@faramesh/contract';
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
import { type RunningServer, startServer } from './harness.js';

if (!HAS_CHROMIUM) console.warn('web e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

const LONG = `kubectl --namespace production rollout restart deployment/${'web-frontend-'.repeat(12)}end`;

// Issue 13 §6: three pending `shell · run` rows from one agent must be told apart at a glance.
describe.skipIf(!HAS_CHROMIUM)('web dashboard: action summaries and search', () => {
  let server: RunningServer;
  let browser: Browser;
  const actions: Record<'kubectl' | 'ls' | 'hidden' | 'long', Action> = {} as never;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({ env: { FARAMESH_UI_DIR: WEB_DIST } });
    const api = apiClient(server.url);
    const shell = (cmd: string) =>
      api.submit({ agent_id: 'ops-bot', tool: 'shell', operation: 'run', params: { cmd } });
    actions.long = await shell(LONG);
    actions.kubectl = await shell('kubectl delete pod web-1');
    actions.ls = await shell("  'ls'   -la /srv/data");
    actions.hidden = await shell('rm\u200b -rf /tmp/cache');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = async (viewport: { width: number; height: number }, path = '/'): Promise<Page> => {
    const { page, watch } = await watchedPage(await browser.newContext({ viewport }));
    await page.goto(`${server.url}${path}`);
    await waitLive(page);
    expect(watch.errors).toEqual([]);
    return page;
  };

  const summaryIn = (page: Page, container: string, id: string) =>
    page.locator(`${container}[data-action-id="${id}"] [data-summary]`);

  it('shows each pending shell row with its own normalized command, a zero-width character revealed', async () => {
    const page = await open({ width: 1280, height: 800 });
    expect(await page.locator('th', { hasText: 'Summary' }).count()).toBe(1);
    const texts = {
      kubectl: await summaryIn(page, 'tr', actions.kubectl.id).textContent(),
      ls: await summaryIn(page, 'tr', actions.ls.id).textContent(),
      hidden: await summaryIn(page, 'tr', actions.hidden.id).textContent(),
    };
    expect(texts).toEqual({
      kubectl: 'kubectl delete pod web-1',
      ls: 'ls -la /srv/data',
      hidden: "'rm⟨U+200B⟩' -rf /tmp/cache",
    });
    const hidden = summaryIn(page, 'tr', actions.hidden.id);
    expect(await hidden.locator('.hidden-char').getAttribute('title')).toContain('ZERO WIDTH SPACE');
    expect(await hidden.getAttribute('title')).toBe("'rm⟨U+200B⟩' -rf /tmp/cache");
    // The three rows look the same in every other column.
    for (const action of [actions.kubectl, actions.ls, actions.hidden]) {
      const row = page.locator(`tr[data-action-id="${action.id}"]`);
      expect(await row.locator('.cell-tool .row-open > .safe-text').textContent()).toBe('shell');
      expect(await row.locator('[data-status]').textContent()).toBe('Pending approval');
    }
  });

  it('cuts a long summary to the column with an ellipsis and keeps all of it on hover', async () => {
    const page = await open({ width: 1280, height: 800 });
    const cell = page.locator(`tr[data-action-id="${actions.long.id}"] td.cell-summary`);
    const fits = (await page.evaluate(`(() => {
      const cell = document.querySelector('tr[data-action-id="${actions.long.id}"] td.cell-summary');
      return { overflow: getComputedStyle(cell).textOverflow, cut: cell.scrollWidth > cell.clientWidth, width: cell.clientWidth };
    })()`)) as { overflow: string; cut: boolean; width: number };
    expect(fits).toMatchObject({ overflow: 'ellipsis', cut: true });
    expect(fits.width).toBeGreaterThan(300);
    expect(await cell.locator('[data-summary]').getAttribute('title')).toBe(LONG);
  });

  it('finds an action by a word of its command through the search box (q over params)', async () => {
    const page = await open({ width: 1280, height: 800 });
    await page.locator('#filter-q').fill('KUBECTL delete');
    await page.waitForURL(/q=KUBECTL/);
    await page.locator(`tr[data-action-id="${actions.ls.id}"]`).waitFor({ state: 'detached' });
    const ids = await page.evaluate(`Array.from(document.querySelectorAll('tbody tr'), (row) => row.dataset.actionId)`);
    expect(ids).toEqual([actions.kubectl.id]);
  });

  it('shows the same summaries on the phone cards, wrapped rather than cut', async () => {
    const page = await open({ width: 390, height: 844 });
    await page.locator(`li[data-action-id="${actions.kubectl.id}"]`).waitFor();
    expect(await page.locator('table.action-table').count()).toBe(0);
    expect(await summaryIn(page, 'li', actions.kubectl.id).textContent()).toBe('kubectl delete pod web-1');
    expect(await summaryIn(page, 'li', actions.ls.id).textContent()).toBe('ls -la /srv/data');
    const hidden = summaryIn(page, 'li', actions.hidden.id);
    expect(await hidden.textContent()).toBe("'rm⟨U+200B⟩' -rf /tmp/cache");
    expect(await hidden.locator('.hidden-char').count()).toBe(1);
    const box = (await page.evaluate(`(() => {
      const el = document.querySelector('li[data-action-id="${actions.long.id}"] .card-summary');
      const lines = Math.round(el.clientHeight / parseFloat(getComputedStyle(el).lineHeight));
      return { lines, right: el.getBoundingClientRect().right };
    })()`)) as { lines: number; right: number };
    expect(box.lines).toBeGreaterThanOrEqual(2);
    expect(box.lines).toBeLessThanOrEqual(3);
    expect(box.right).toBeLessThanOrEqual(390);
  });
});
