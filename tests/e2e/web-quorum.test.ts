import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const POLICY = `
groups:
  finance: [alice, bob, carol]
rules:
  - match: { tool: stripe, op: refund }
    require_approval: true
    description: Refunds need two of finance
    approvers: [finance]
    approvals: 2
  - match: { tool: "*" }
    allow: true
`;
const TOKENS = {
  alice: 'alice-token-0123456789',
  bob: 'bob-token-0123456789ab',
  erin: 'erin-token-0123456789',
  bot: 'bot-token-0123456789ab',
};

// Team approvals in the browser: two approvers, each signed in as themselves, complete a 2-of-3 quorum.
describe.skipIf(!HAS_CHROMIUM)('web dashboard with a 2-of-N quorum', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-web-quorum-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    server = await startServer({
      dir,
      env: {
        FARAMESH_UI_DIR: WEB_DIST,
        FARAMESH_TOKENS: `alice:approver:${TOKENS.alice},bob:approver:${TOKENS.bob},erin:approver:${TOKENS.erin},bot:agent:${TOKENS.bot}`,
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(who: keyof typeof TOKENS, path = '/'): Promise<{ page: Page; errors: () => string[] }> {
    const context = await browser.newContext();
    const { page, watch } = await watchedPage(context);
    await page.goto(server.url + path);
    await page.getByLabel('Access token').fill(TOKENS[who]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitLive(page);
    return { page, errors: () => watch.errors };
  }

  it('two logged-in approvers complete a 2-of-N quorum, each seeing the progress and whether they may decide', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const erin = await signIn('erin');
    const action = await apiClient(server.url, TOKENS.bot).submit({
      agent_id: 'bot',
      tool: 'stripe',
      operation: 'refund',
      params: { amount: 5000, charge: 'ch_42' },
    });

    // Alice's inbox, filtered to what waits for her, shows the refund; she opens it and approves.
    await alice.page.getByLabel('Waiting for me').check();
    const aliceRow = alice.page.locator(`tr[data-action-id="${action.id}"]`);
    await aliceRow.waitFor({ timeout: 10_000 });
    await aliceRow.locator('.row-open').click();
    const aliceDrawer = alice.page.getByTestId('action-drawer');
    await aliceDrawer.getByTestId('quorum-progress').getByText('0 of 2 approvals — waiting for finance').waitFor();
    await aliceDrawer.getByLabel(/Reason/).fill('order ch_42 checked');
    await aliceDrawer.getByRole('button', { name: /^Approve/ }).click();
    await aliceDrawer.getByTestId('quorum-progress').getByText('1 of 2 approvals — waiting for finance').waitFor();
    await aliceDrawer
      .getByTestId('decision-blocked')
      .getByText(/already approved/)
      .waitFor();
    expect(await aliceDrawer.getByRole('button', { name: /^Approve/ }).count()).toBe(0);

    // Erin is an approver but not in finance: the server says why she may not decide.
    await erin.page.goto(`${server.url}/?action=${action.id}`);
    const erinDrawer = erin.page.getByTestId('action-drawer');
    await erinDrawer
      .getByTestId('decision-blocked')
      .getByText(/waiting for finance/)
      .waitFor();
    expect(await erinDrawer.getByRole('button', { name: /^Approve/ }).count()).toBe(0);

    // Bob was signed in all along: his page got the partial approval live; his drawer shows who and why.
    const bobRow = bob.page.locator(`tr[data-action-id="${action.id}"]`);
    await bobRow.waitFor({ timeout: 10_000 });
    await bobRow.locator('.row-open').click();
    const bobDrawer = bob.page.getByTestId('action-drawer');
    const progress = bobDrawer.getByTestId('quorum-progress');
    await progress.getByText('1 of 2 approvals — waiting for finance').waitFor();
    expect(await progress.textContent()).toMatch(/alice approved .*order ch_42 checked/);
    await bobDrawer.getByText('Approval recorded').waitFor(); // the timeline's partial approval
    await bobDrawer.getByRole('button', { name: /^Approve/ }).click();
    await bobRow.locator('[data-status="approved"]').waitFor();
    await progress.getByText('2 of 2 approvals').waitFor();

    // Alice's page follows live: the action is approved and leaves her "waiting for me" view.
    await aliceDrawer
      .getByText(/Approved/)
      .first()
      .waitFor();
    const stored = await apiClient(server.url, TOKENS.alice).get(action.id);
    expect(stored).toMatchObject({
      status: 'approved',
      approvals: [{ by: 'alice', reason: 'order ch_42 checked' }, { by: 'bob' }],
      approval_decided_by: 'bob',
    });
    const events = await apiClient(server.url, TOKENS.alice).events(action.id);
    expect(events.map((event) => event.event_type)).toEqual([
      'created',
      'decision_made',
      'approval_recorded',
      'approved',
    ]);
    expect([...alice.errors(), ...bob.errors(), ...erin.errors()]).toEqual([]);
  });
});
