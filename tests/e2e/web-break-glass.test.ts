import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../packages/web/e2e/api.js';
import {
  assertWebBuilt,
  HAS_CHROMIUM,
  launchChromium,
  signInWithToken,
  WEB_DIST,
} from '../../packages/web/e2e/browser.js';
import { type RunningServer, startServer } from './harness.js';

if (!HAS_CHROMIUM) console.warn('web e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

const POLICY = `
groups:
  finance: [alice, bob]
rules:
  - match: { tool: stripe, op: refund }
    require_approval: true
    approvers: [finance]
    approvals: 2
  - match: { tool: "*" }
    allow: true
`;
const TOKENS = {
  root: 'root-token-0123456789ab',
  alice: 'alice-token-0123456789',
  bot: 'bot-token-0123456789ab',
};

// Break-glass in the browser: only the admin sees the control, it must be opened and confirmed with a
// reason, the action is badged, and the review stays on screen until another approver acknowledges it.
describe.skipIf(!HAS_CHROMIUM)('web dashboard break-glass', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-web-break-glass-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    server = await startServer({
      dir,
      env: {
        FARAMESH_UI_DIR: WEB_DIST,
        FARAMESH_TOKENS: `root:admin:${TOKENS.root},alice:approver:${TOKENS.alice},bot:agent:${TOKENS.bot}`,
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const signIn = (who: keyof typeof TOKENS, path = '/') => signInWithToken(browser, server.url + path, TOKENS[who]);

  it('an admin breaks glass with a reason after confirming; another approver acknowledges the review', async () => {
    const action = await apiClient(server.url, TOKENS.bot).submit({
      agent_id: 'bot',
      tool: 'stripe',
      operation: 'refund',
      params: { amount: 5000, charge: 'ch_7' },
    });
    const alice = await signIn('alice', `/?action=${action.id}`);
    const aliceDrawer = alice.page.getByTestId('action-drawer');
    await aliceDrawer.getByText('Waiting for your decision').waitFor();
    // An approver never sees the control.
    expect(await aliceDrawer.getByRole('button', { name: /Break glass/ }).count()).toBe(0);

    const root = await signIn('root', `/?action=${action.id}`);
    const drawer = root.page.getByTestId('action-drawer');
    await drawer.getByRole('button', { name: 'Break glass…' }).click();
    const form = drawer.getByTestId('break-glass-form');
    const confirm = form.getByRole('button', { name: 'Break glass and approve' });
    expect(await confirm.isDisabled()).toBe(true);
    await form.getByLabel(/I understand/).check();
    // A reason nobody can read (zero-width characters, a word joiner, spaces) is no reason.
    await form.getByLabel(/Reason/).fill('\u200b\u2060 \ufeff');
    expect(await confirm.isDisabled()).toBe(true);
    await form.getByLabel(/I understand/).uncheck();
    await form.getByLabel(/Reason/).fill('payments outage, finance offline');
    expect(await confirm.isDisabled()).toBe(true); // not until the consequence is acknowledged
    await form.getByLabel(/I understand/).check();
    await confirm.click();
    await drawer
      .getByTestId('break-glass-review')
      .getByText(/Review open/)
      .waitFor();
    await drawer.getByTestId('break-glass-badge').getByText('Break-glass · unreviewed').waitFor();
    // Whoever broke the glass may not acknowledge it.
    expect(await drawer.getByRole('button', { name: 'Acknowledge review' }).count()).toBe(0);

    // Alice's page follows live: the badge, the open-review banner, and her acknowledgement.
    await aliceDrawer.getByTestId('break-glass-badge').getByText('Break-glass · unreviewed').waitFor();
    await alice.page
      .getByTestId('open-reviews')
      .getByText(/1 break-glass approval waiting for review/)
      .waitFor();
    const review = aliceDrawer.getByTestId('break-glass-review');
    await review.getByText(/payments outage, finance offline/).waitFor();
    await review.getByLabel(/Note/).fill('refund was due');
    await review.getByRole('button', { name: 'Acknowledge review' }).click();
    await review
      .getByTestId('review-acknowledged')
      .getByText(/refund was due/)
      .waitFor();
    await alice.page.getByTestId('open-reviews').waitFor({ state: 'detached' });
    await drawer.getByTestId('break-glass-badge').getByText('Break-glass', { exact: true }).waitFor();

    const stored = await apiClient(server.url, TOKENS.alice).get(action.id);
    expect(stored).toMatchObject({
      status: 'approved',
      break_glass: { by: 'root', review: { status: 'acknowledged', acknowledged_by: 'alice', note: 'refund was due' } },
    });
    const events = await apiClient(server.url, TOKENS.alice).events(action.id);
    expect(events.map((event) => event.event_type)).toEqual([
      'created',
      'decision_made',
      'approved',
      'break_glass_reviewed',
    ]);
    expect([...alice.errors(), ...root.errors()]).toEqual([]);
  });
});
