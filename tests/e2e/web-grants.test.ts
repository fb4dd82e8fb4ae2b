import { writeFileSync } from 'node:fs';
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

const TOKENS = { alice: 'alice-token-0123456789', bot: 'bot-token-0123456789ab' };
const LS = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls -la /tmp' } };

// Standing grants in the browser: approve with "also allow similar calls", see a call allowed by it, revoke it.
describe.skipIf(!HAS_CHROMIUM)('web dashboard: standing grants', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({
      env: { FARAMESH_UI_DIR: WEB_DIST, FARAMESH_TOKENS: `alice:approver:${TOKENS.alice},bot:agent:${TOKENS.bot}` },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(path: string): Promise<{ page: Page; errors: () => string[] }> {
    const context = await browser.newContext();
    const { page, watch } = await watchedPage(context);
    await page.goto(server.url + path);
    await page.getByLabel('Access token').fill(TOKENS.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitLive(page);
    return { page, errors: () => watch.errors };
  }

  it('grants similar calls while approving, shows the grant on the call it allowed, and revokes it', async () => {
    const bot = apiClient(server.url, TOKENS.bot);
    const alice = apiClient(server.url, TOKENS.alice);
    const first = await bot.submit(LS);
    const { page, errors } = await signIn(`/?action=${first.id}`);
    const drawer = page.getByTestId('action-drawer');
    const option = drawer.getByTestId('grant-option');
    await option.getByLabel('Also allow similar calls').check();
    // The proposal: the same command, which the approver could tighten to the exact value.
    const row = option.locator('[data-param="cmd"]');
    await row.waitFor();
    expect(await row.getByLabel('How cmd is constrained').inputValue()).toBe('command');
    expect(await row.getByLabel('Value for cmd').inputValue()).toBe('ls -la /tmp');

    // The duration is required: without it nothing is sent.
    await option.getByLabel('Grant duration').fill('');
    await drawer.getByRole('button', { name: /^Approve/ }).click();
    await option.getByText(/Say how long/).waitFor();
    expect((await alice.get(first.id)).status).toBe('pending_approval');

    await option.getByLabel('Grant duration').fill('30m');
    await option.getByLabel('Grant uses').fill('2');
    await drawer.getByRole('button', { name: /^Approve/ }).click();
    await page.locator(`tr[data-action-id="${first.id}"] [data-status="approved"]`).waitFor({ timeout: 10_000 });
    expect((await alice.events(first.id)).map((e) => e.event_type)).toEqual([
      'created',
      'decision_made',
      'approved',
      'grant_created',
    ]);

    // The next identical call is allowed by the grant; its drawer names the grant.
    const second = await bot.submit(LS);
    expect(second).toMatchObject({ status: 'allowed', reason_code: 'grant' });
    await page.goto(`${server.url}/?action=${second.id}`);
    const note = page.getByTestId('action-drawer').getByTestId('grant-note');
    await note.waitFor();
    expect(await note.textContent()).toContain(second.grant_id);

    // The grants page lists it with its use; revoking it sends the next call back to approval.
    await note.getByRole('link').click();
    const grantRow = page.locator(`tr[data-grant-id="${second.grant_id}"]`);
    await grantRow.waitFor();
    expect(await grantRow.textContent()).toMatch(/1 of 2/);
    await grantRow.getByRole('button', { name: /Revoke/ }).click();
    await page.locator(`tr[data-grant-id="${second.grant_id}"][data-state="revoked"]`).waitFor();
    expect((await bot.submit(LS)).status).toBe('pending_approval');
    expect((await alice.events(first.id)).at(-1)?.event_type).toBe('grant_revoked');
    expect(errors()).toEqual([]);
  });
});

// A call over its limit can't carry a grant (a grant never lifts a limit): the drawer doesn't offer one.
describe.skipIf(!HAS_CHROMIUM)('web dashboard: no grant over a limit', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    const base = workDir();
    writeFileSync(
      base.policy,
      `rules:
  - match: { tool: refunds }
    allow: true
    limit: { count: 1, per: 1h, by: [agent_id] }
  - match: { tool: shell }
    require_approval: true
  - match: { tool: "*" }
    deny: true
`,
    );
    server = await startServer({
      dir: base.dir,
      env: { FARAMESH_UI_DIR: WEB_DIST, FARAMESH_TOKENS: `alice:approver:${TOKENS.alice},bot:agent:${TOKENS.bot}` },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('offers "also allow" for a call sent to approval by its rule, not for one over its limit', async () => {
    const bot = apiClient(server.url, TOKENS.bot);
    const refund = { agent_id: 'bot', tool: 'refunds', operation: 'create', params: { amount: 5 } };
    expect((await bot.submit(refund)).status).toBe('allowed');
    const over = await bot.submit(refund);
    expect(over).toMatchObject({ status: 'pending_approval', reason_code: 'limit_reached' });
    const asked = await bot.submit(LS);
    const context = await browser.newContext();
    const { page, watch } = await watchedPage(context);
    await page.goto(`${server.url}/?action=${over.id}`);
    await page.getByLabel('Access token').fill(TOKENS.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitLive(page);
    const drawer = page.getByTestId('action-drawer');
    await drawer
      .getByRole('button', { name: /Approve/ })
      .first()
      .waitFor();
    expect(await drawer.getByTestId('grant-option').count()).toBe(0);
    await page.goto(`${server.url}/?action=${asked.id}`);
    await page.getByTestId('action-drawer').getByTestId('grant-option').waitFor();
    expect(watch.errors).toEqual([]);
  });
});
