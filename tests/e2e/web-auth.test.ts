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
import { type RunningServer, startServer } from './harness.js';

if (!HAS_CHROMIUM) console.warn('web e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

const APPROVER = 'ann-token-0123456789abcdef';
const AGENT = 'bot-token-0123456789abcdef';

// Separation of duties in the browser: a token login, an approver who can decide, an agent who can't.
describe.skipIf(!HAS_CHROMIUM)('web dashboard with role tokens', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({
      env: { FARAMESH_UI_DIR: WEB_DIST, FARAMESH_TOKENS: `ann:approver:${APPROVER},bot:agent:${AGENT}` },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for a token, refuses a wrong one, and signs an approver in who can approve', async () => {
    const context = await browser.newContext();
    const { page, watch } = await watchedPage(context);
    await page.goto(server.url);
    const input = page.getByLabel('Access token');
    await input.fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await input.fill(APPROVER);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitLive(page);
    expect(await page.locator('.identity').textContent()).toContain('approver');

    // The stream carries the bearer header: an agent's submission appears live.
    const action = await apiClient(server.url, AGENT).submit({
      agent_id: 'bot',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'df -h' },
    });
    const row = page.locator(`tr[data-action-id="${action.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.locator('.row-open').click();
    await page.getByRole('button', { name: /^Approve/ }).click();
    await row.locator('[data-status="approved"]').waitFor();
    const stored = await apiClient(server.url, APPROVER).get(action.id);
    expect(stored.status).toBe('approved');
    expect(stored.approval_decided_by).toBe('ann');

    // The token survives a reload (session storage) and is gone after signing out.
    await page.reload();
    await waitLive(page);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access token').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('faramesh.token')")).toBeNull();
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('shows an agent token no approve button, and says why', async () => {
    const action = await apiClient(server.url, AGENT).submit({
      agent_id: 'bot',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'reboot' },
    });
    const context = await browser.newContext();
    const { page } = await watchedPage(context);
    await page.goto(`${server.url}/?action=${action.id}`);
    await page.getByLabel('Access token').fill(AGENT);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const drawer = page.getByTestId('action-drawer');
    await drawer.waitFor();
    await drawer.getByText(/separation of duties/).waitFor();
    expect(await drawer.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    expect(await drawer.getByRole('button', { name: /^Deny/ }).count()).toBe(0);
    await page.keyboard.press('a');
    await page.waitForTimeout(200);
    expect((await apiClient(server.url, APPROVER).get(action.id)).status).toBe('pending_approval');
    expect(await page.locator('.mode-readonly').textContent()).toMatch(/only approvers/);
    await context.close();
  });
});
