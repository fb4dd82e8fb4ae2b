import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_POLICY } from '../../packages/server/src/notify/email-approval.test-support.js';
import {
  linksOf,
  type SmtpCapture,
  startSmtpCapture,
} from '../../packages/server/src/notify/email-smtp.test-support.js';
import { unusedLoopbackPort } from '../../packages/server/src/testing/free-port.js';
import { HAS_CHROMIUM, launchChromium } from '../../packages/web/e2e/browser.js';
import { type RunningServer, startServer } from './harness.js';
import { type RunningProvider, startTestProvider, type TestAccount } from './oidc-test-provider.js';

if (!HAS_CHROMIUM) console.warn('email e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

const AGENT = 'bot-token-0123456789abcdef';
const CLIENT_SECRET = 'faramesh-client-secret-0123456789';
const ACCOUNTS: TestAccount[] = [
  { login: 'alice', password: 'alice-password', email: 'alice@corp.example', name: 'Alice', groups: ['finance'] },
  { login: 'carol', password: 'carol-password', email: 'carol@corp.example', name: 'Carol', groups: ['finance'] },
];

/** Signs in on the test provider's own form (the browser was sent there by Faramesh). */
async function signInAtProvider(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

// Email approval end to end: the built `faramesh serve` sends through a real SMTP server started
// here (`smtp-server`, read back with `mailparser`); Chromium follows the link from the message,
// signs in at a real OpenID provider, confirms, and the action is approved by two people.
describe.skipIf(!HAS_CHROMIUM)('approval by email link, in a browser', () => {
  let smtp: SmtpCapture;
  let provider: RunningProvider;
  let server: RunningServer;
  let browser: Browser;
  let base: string;
  const agent = { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    base = `http://127.0.0.1:${await unusedLoopbackPort()}`;
    provider = await startTestProvider(ACCOUNTS, {
      clientId: 'faramesh',
      clientSecret: CLIENT_SECRET,
      redirectUri: `${base}/auth/callback`,
      postLogoutRedirectUri: `${base}/`,
    });
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-email-e2e-'));
    writeFileSync(join(dir, 'policy.yaml'), EMAIL_POLICY);
    writeFileSync(join(dir, 'client-secret'), `${CLIENT_SECRET}\n`);
    writeFileSync(join(dir, 'link-secret'), 'an-email-link-secret-of-32-characters-or-more\n');
    writeFileSync(
      join(dir, 'channels.yaml'),
      `email:
  team-email:
    smtp: { host: 127.0.0.1, port: ${smtp.port}, starttls: never }
    from: "Faramesh <faramesh@corp.example>"
    recipients: [approvers]
delivery: { poll_ms: 50 }
`,
    );
    server = await startServer({
      dir,
      args: ['--port', new URL(base).port],
      env: {
        FARAMESH_TOKENS: `bot:agent:${AGENT},bob:approver:bob-token-0123456789`,
        FARAMESH_TOKEN_EMAILS: 'bob=bob@corp.example',
        FARAMESH_PUBLIC_URL: base,
        FARAMESH_CHANNELS_FILE: join(dir, 'channels.yaml'),
        FARAMESH_EMAIL_LINK_SECRET_FILE: join(dir, 'link-secret'),
        FARAMESH_OIDC_ISSUER: provider.issuer,
        FARAMESH_OIDC_CLIENT_ID: 'faramesh',
        FARAMESH_OIDC_CLIENT_SECRET_FILE: join(dir, 'client-secret'),
        FARAMESH_OIDC_SCOPES: 'openid email profile groups',
        FARAMESH_OIDC_ROLES: 'approver=finance',
      },
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.close();
    await smtp?.close();
  });

  const action = async (id: string) =>
    (await (await fetch(`${base}/v1/actions/${id}`, { headers: agent })).json()) as Record<string, unknown> & {
      approvals: { by: string }[];
    };
  const events = async (id: string) =>
    (
      (await (await fetch(`${base}/v1/actions/${id}/events`, { headers: agent })).json()) as { event_type: string }[]
    ).map((e) => e.event_type);
  async function mailFor(address: string, id: string) {
    for (let i = 0; i < 200; i++) {
      const found = smtp.messages.find((m) => m.to.includes(address) && m.mail.headers.get('x-faramesh-action') === id);
      if (found !== undefined) return found.mail;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no message to ${address}`);
  }

  it('completes a 2-of-3 quorum from two people’s email links, after scanners fetched them, and refuses reused links', async () => {
    const submitted = await fetch(`${base}/v1/actions`, {
      method: 'POST',
      headers: agent,
      body: JSON.stringify({ agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'rm -r /srv/cache' } }),
    });
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    const alice = linksOf(await mailFor('alice@corp.example', id));
    const carol = linksOf(await mailFor('carol@corp.example', id));
    const bob = linksOf(await mailFor('bob@corp.example', id));
    expect(alice.approve.startsWith(`${base}/email/approval?t=`)).toBe(true);

    // A mail scanner fetches every link: it is sent to sign in; a scanner that renders pages (a
    // browser without anyone's session) ends on the provider's login form. Nothing is decided.
    const scanner = await browser.newContext();
    const scan = await scanner.newPage();
    for (const link of [alice.approve, alice.deny, carol.approve, carol.deny]) {
      const scanned = await fetch(link, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(scanned.status).toBe(303);
      expect(scanned.headers.get('location')).toMatch(/^\/auth\/login\?return_to=%2Femail%2Fapproval%3Ft%3D/);
      expect((await fetch(link)).status).toBe(401);
      await scan.goto(link);
      await scan.getByRole('heading', { name: 'Test identity provider' }).waitFor();
    }
    await scanner.close();
    expect((await action(id)).status).toBe('pending_approval');
    expect(await events(id)).toEqual(['created', 'decision_made']);

    // Alice follows her Approve link: sign in, back to the confirmation page, confirm.
    const aliceContext = await browser.newContext();
    const page = await aliceContext.newPage();
    await page.goto(alice.approve);
    await signInAtProvider(page, 'alice', 'alice-password');
    await page.getByRole('heading', { name: 'Approve this action?' }).waitFor();
    expect(new URL(page.url()).origin).toBe(base);
    expect(await page.textContent('body')).toContain('shell run: rm -r /srv/cache');
    expect(await page.textContent('body')).toContain('Signed in as alice@corp.example.');
    await page.getByLabel('Reason (optional)').fill('cache only');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Approval recorded' }).waitFor();
    expect(await action(id)).toMatchObject({
      status: 'pending_approval',
      approvals: [{ by: 'alice@corp.example', reason: 'cache only' }],
    });

    // Her links are spent (both of them); Bob's link is not hers to use.
    await page.goto(alice.approve);
    await page.getByRole('heading', { name: 'This link was already used' }).waitFor();
    await page.goto(alice.deny);
    await page.getByRole('heading', { name: 'This link was already used' }).waitFor();
    const wrong = await page.goto(bob.approve);
    expect(wrong?.status()).toBe(403);
    await page.getByRole('heading', { name: 'Signed in as someone else' }).waitFor();
    await aliceContext.close();

    // Carol completes the quorum from her own message.
    const carolContext = await browser.newContext();
    const carolPage = await carolContext.newPage();
    await carolPage.goto(carol.approve);
    await signInAtProvider(carolPage, 'carol', 'carol-password');
    await carolPage.getByRole('button', { name: 'Approve' }).click();
    await carolPage.getByRole('heading', { name: 'Approved' }).waitFor();
    await carolContext.close();

    const final = await action(id);
    expect(final).toMatchObject({ status: 'approved', approval_decided_by: 'carol@corp.example' });
    expect(final.approvals.map((a: { by: string }) => a.by)).toEqual(['alice@corp.example', 'carol@corp.example']);
    expect(await events(id)).toEqual(['created', 'decision_made', 'approval_recorded', 'approved']);
    expect(provider.logins).toEqual(['alice', 'carol']);
    expect(server.output()).not.toContain('an-email-link-secret');
  }, 60_000);
});
