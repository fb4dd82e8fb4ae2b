import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unusedLoopbackPort } from '../../packages/server/src/testing/free-port.js';
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
import { type RunningProvider, startTestProvider, type TestAccount } from './oidc-test-provider.js';

if (!HAS_CHROMIUM) console.warn('web e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

const AGENT = 'bot-token-0123456789abcdef';
const CLIENT_SECRET = 'faramesh-client-secret-0123456789';
const ACCOUNTS: TestAccount[] = [
  { login: 'alice', password: 'alice-password', email: 'alice@corp.example', name: 'Alice', groups: ['finance'] },
  {
    login: 'mallory',
    password: 'mallory-password',
    email: 'mallory@corp.example',
    name: 'Mallory',
    groups: ['marketing'],
  },
];

/** Clicks "Sign in with SSO" and signs in on the provider's own form. */
async function signInAtProvider(page: Page, login: string, password: string): Promise<void> {
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.getByLabel('Username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function sessionCookie(context: BrowserContext, base: string) {
  return (await context.cookies(base)).find((cookie) => cookie.name === 'faramesh_session');
}

// Single sign-on end to end: a real OpenID provider (oidc-provider, its own login form checking a
// password), the built `faramesh serve` configured for it, and Chromium going through the redirects.
// The provider is on `localhost` and Faramesh on `127.0.0.1`: two sites, as in a real deployment.
describe.skipIf(!HAS_CHROMIUM)('dashboard single sign-on with a real OpenID provider', () => {
  let provider: RunningProvider;
  let server: RunningServer;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    assertWebBuilt();
    // The redirect URL is registered at the provider before Faramesh starts, so its port is chosen first.
    base = `http://127.0.0.1:${await unusedLoopbackPort()}`;
    provider = await startTestProvider(ACCOUNTS, {
      clientId: 'faramesh',
      clientSecret: CLIENT_SECRET,
      redirectUri: `${base}/auth/callback`,
      postLogoutRedirectUri: `${base}/`,
    });
    const secrets = mkdtempSync(join(tmpdir(), 'faramesh-oidc-secret-'));
    writeFileSync(join(secrets, 'client-secret'), `${CLIENT_SECRET}\n`);
    server = await startServer({
      args: ['--port', new URL(base).port],
      env: {
        FARAMESH_UI_DIR: WEB_DIST,
        FARAMESH_TOKENS: `bot:agent:${AGENT}`,
        FARAMESH_PUBLIC_URL: base,
        FARAMESH_OIDC_ISSUER: provider.issuer,
        FARAMESH_OIDC_CLIENT_ID: 'faramesh',
        FARAMESH_OIDC_CLIENT_SECRET_FILE: join(secrets, 'client-secret'),
        FARAMESH_OIDC_SCOPES: 'openid email profile groups',
        FARAMESH_OIDC_ROLES: 'admin=platform-admins,approver=finance',
        FARAMESH_OIDC_PROVIDER_LOGOUT: '1',
      },
    });
    expect(server.url).toBe(base);
    // The banner's lines may come in separate writes after the listening line: wait for this one.
    const ssoLine = `sso:      ${provider.issuer}/ → ${base}/auth/callback`;
    for (let i = 0; i < 100 && !server.output().includes(ssoLine); i++) await new Promise((r) => setTimeout(r, 50));
    expect(server.output()).toContain(ssoLine);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.close();
  });

  it('signs alice in on the provider, approves as alice@corp.example, and logs out for good', async () => {
    const agent = apiClient(base, AGENT);
    const context = await browser.newContext();
    const { page, watch } = await watchedPage(context);
    await page.goto(base);

    // The provider's form checks the password: a wrong one is refused there.
    await signInAtProvider(page, 'alice', 'not-her-password');
    await page.getByRole('alert').filter({ hasText: 'Wrong login or password' }).waitFor();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitLive(page);
    expect(provider.logins).toEqual(['alice']);
    expect(await page.locator('.identity-name').textContent()).toBe('alice@corp.example');
    expect(new URL(page.url()).origin).toBe(base);

    const cookie = await sessionCookie(context, base);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    const me = await page.evaluate(async () => (await fetch('/v1/auth/whoami')).json());
    expect(me).toMatchObject({ name: 'alice@corp.example', role: 'approver', source: 'oidc', groups: ['finance'] });

    // A write with the session cookie but without the CSRF header is refused.
    const other = await agent.submit({ agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'uptime' } });
    const forged = await page.evaluate(async (id) => {
      const res = await fetch(`/v1/actions/${id}/approval`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'irrelevant', approve: true }),
      });
      return { status: res.status, body: await res.json() };
    }, other.id);
    expect(forged).toMatchObject({ status: 403, body: { error: { code: 'csrf_token_invalid' } } });
    expect((await agent.get(other.id)).status).toBe('pending_approval');

    // The dashboard sends the CSRF token: approving works and the ledger names the person.
    const action = await agent.submit({ agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'df -h' } });
    const row = page.locator(`tr[data-action-id="${action.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.locator('.row-open').click();
    await page.getByRole('button', { name: /^Approve/ }).click();
    await row.locator('[data-status="approved"]').waitFor();
    expect((await agent.get(action.id)).approval_decided_by).toBe('alice@corp.example');
    const approved = (await agent.events(action.id)).find((event) => event.event_type === 'approved');
    expect(approved?.meta).toMatchObject({ by: 'alice@corp.example', role: 'approver' });

    // The cookie alone authenticates (read-only) requests from outside the browser too, until logout.
    const replay = () => fetch(`${base}/v1/auth/whoami`, { headers: { cookie: `faramesh_session=${cookie?.value}` } });
    expect((await replay()).status).toBe(200);

    // Logout ends the session on the server, then at the provider (RP-initiated logout).
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    expect(new URL(page.url()).origin).toBe(base);
    expect(await sessionCookie(context, base)).toBeUndefined();
    const replayed = await fetch(`${base}/v1/auth/whoami`, {
      headers: { cookie: `faramesh_session=${cookie?.value}` },
    });
    expect(replayed.status).toBe(401);
    expect(watch.errors).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
    await context.close();
  });

  it('tells a person whose groups map to no role that they are not authorised, and opens no session', async () => {
    const context = await browser.newContext();
    const { page } = await watchedPage(context);
    await page.goto(base);
    const callback = page.waitForResponse((response) => response.url().startsWith(`${base}/auth/callback`));
    await signInAtProvider(page, 'mallory', 'mallory-password');
    expect((await callback).status()).toBe(403);
    await page.getByRole('heading', { name: 'Not authorised' }).waitFor();
    expect(await page.textContent('body')).toContain('You signed in as mallory@corp.example');
    expect(await sessionCookie(context, base)).toBeUndefined();
    expect(await page.evaluate(async () => (await fetch('/v1/auth/whoami')).status)).toBe(401);
    await context.close();
  });

  it('keeps token login working beside single sign-on', async () => {
    const context = await browser.newContext();
    const { page } = await watchedPage(context);
    await page.goto(base);
    await page.getByLabel('Access token').fill(AGENT);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitLive(page);
    expect(await page.locator('.identity-name').textContent()).toBe('bot');
    await context.close();
  });
});
