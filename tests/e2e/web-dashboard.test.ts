import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { type RunningServer, runCli, startServer } from './harness.js';

if (!HAS_CHROMIUM) console.warn('web e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

// The dashboard in a real browser against the real server, in open mode (no tokens).
describe.skipIf(!HAS_CHROMIUM)('web dashboard (open mode)', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: PageWatch;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({ env: { FARAMESH_UI_DIR: WEB_DIST } });
    api = apiClient(server.url);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    ({ page, watch } = await watchedPage(context));
    await page.goto(server.url);
    await waitLive(page);
    // Expressions as strings: this file is type-checked with Node's lib only, without the DOM.
    await page.evaluate('window.__sameDocument = true');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows an action submitted over the API live, without a reload', async () => {
    const action = await api.submit({
      agent_id: 'e2e-agent',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'ls /tmp' },
    });
    const row = page.locator(`tr[data-action-id="${action.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('[data-status]').textContent()).toBe('Pending approval');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(await page.locator('.count-pill').textContent()).toMatch(/^\d+/);
  });

  it('approves from the drawer, updates the row, and the API agrees', async () => {
    const action = await api.submit({
      agent_id: 'e2e-agent',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'uptime' },
    });
    const row = page.locator(`tr[data-action-id="${action.id}"]`);
    await row.waitFor();
    await row.locator('.row-open').click();
    const drawer = page.getByTestId('action-drawer');
    await drawer.waitFor();
    await drawer.getByLabel(/Reason/).fill('looks safe');
    await drawer.getByRole('button', { name: /^Approve/ }).click();
    await row.locator('[data-status="approved"]').waitFor({ timeout: 10_000 });
    const stored = await api.get(action.id);
    expect(stored.status).toBe('approved');
    expect(stored.approval_reason).toBe('looks safe');
    const events = await api.events(action.id);
    expect(events.map((e) => e.event_type)).toContain('approved');
    // The drawer's timeline received the approval too.
    await drawer.locator('[data-event-type="approved"]').waitFor();
    // Focus stays inside the dialog on Tab, and returns to the row that opened it on Esc.
    for (let i = 0; i < 40; i++) await page.keyboard.press('Tab');
    expect(
      await page.evaluate(`document.querySelector('[data-testid="action-drawer"]').contains(document.activeElement)`),
    ).toBe(true);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await page.evaluate("document.activeElement?.getAttribute('data-row-open')")).toBe(action.id);
  });

  it('runs the approver loop from the keyboard: n opens the next pending action, d denies it', async () => {
    const action = await api.submit({
      agent_id: 'e2e-agent',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'whoami' },
    });
    await page.locator(`tr[data-action-id="${action.id}"]`).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 790 } });
    // Newest first: n walks to the first pending row; keep pressing until our action is open.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('n');
      await page.getByTestId('action-drawer').waitFor();
      if (new URL(page.url()).searchParams.get('action') === action.id) break;
    }
    expect(new URL(page.url()).searchParams.get('action')).toBe(action.id);
    await page.getByRole('button', { name: /^Deny/ }).waitFor();
    await page.keyboard.press('d');
    await page.locator(`tr[data-action-id="${action.id}"] [data-status="denied"]`).waitFor();
    expect((await api.get(action.id)).status).toBe('denied');
    await page.keyboard.press('Escape');
  });

  it('renders script-bearing params as text and runs nothing', async () => {
    const payloads = {
      img: '<img src=x onerror="window.__xss=1;alert(1)">',
      script: '<script>window.__xss=2;alert(2)</script>',
      link: '<a href="javascript:alert(3)">click</a>',
      bidi: 'invoice\u202Efdp.exe',
    };
    const action = await api.submit({
      agent_id: '<svg onload=alert(4)>',
      tool: 'shell',
      operation: '<img src=y onerror=alert(5)>',
      params: payloads,
      context: { note: '<iframe src="javascript:alert(6)">' },
    });
    const row = page.locator(`tr[data-action-id="${action.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('<img src=y onerror=alert(5)>');
    await row.locator('.row-open').click();
    const drawer = page.getByTestId('action-drawer');
    const params = drawer.getByLabel('Parameters as JSON');
    await params.waitFor();
    const text = (await params.textContent()) ?? '';
    expect(text).toContain(JSON.stringify(payloads.img).slice(1, -1));
    expect(text).toContain('<script>window.__xss=2;alert(2)</script>');
    expect(text).toContain('invoice⟨U+202E⟩fdp.exe');
    await drawer.getByRole('alert').filter({ hasText: 'hidden or control character' }).waitFor();
    await page.waitForTimeout(300);
    expect(watch.dialogs).toEqual([]);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img[src="x"], img[src="y"], iframe, svg[onload]').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('evaluates an action in the playground without storing it', async () => {
    const before = (await (await fetch(`${server.url}/v1/actions?limit=1`)).json()) as { total: number };
    await page.getByRole('link', { name: 'Playground' }).click();
    await page.getByRole('heading', { name: 'Policy playground' }).waitFor();
    await page.getByLabel('Action (JSON)').fill(
      JSON.stringify({
        agent_id: 'a',
        tool: 'shell',
        operation: 'run',
        params: { cmd: 'rm -rf /data <script>alert(7)</script>' },
      }),
    );
    await page.getByRole('button', { name: /Evaluate/ }).click();
    const result = page.getByTestId('playground-result');
    await result.waitFor();
    expect(await result.locator('[data-decision]').getAttribute('data-decision')).toBe('require_approval');
    expect(await result.locator('[data-risk]').first().getAttribute('data-risk')).toBe('high');
    expect(await result.textContent()).toContain('Shell commands require approval');
    expect(await result.locator('.trace-item.trace-matched').count()).toBeGreaterThanOrEqual(1);
    expect(await result.textContent()).toContain('<script>alert(7)</script>');
    expect(watch.dialogs).toEqual([]);

    // A custom policy, evaluated without touching the server's.
    await page.getByLabel(/custom policy/).check();
    await page
      .getByLabel('Policy (YAML)', { exact: true })
      .fill('rules:\n  - match:\n      tool: "shell"\n    deny: true\n    description: "No shell here"\n');
    await page.getByRole('button', { name: /Evaluate/ }).click();
    await result.locator('[data-decision="deny"]').waitFor();
    expect(await result.textContent()).toContain('No shell here');

    const after = (await (await fetch(`${server.url}/v1/actions?limit=1`)).json()) as { total: number };
    expect(after.total).toBe(before.total);
  });

  it('shows invalid policy diagnostics in the playground', async () => {
    await page
      .getByLabel('Policy (YAML)', { exact: true })
      .fill('rules:\n  - match:\n      tool: "shell"\n    allow: maybe\n    bogus_key: 1\n');
    await page.getByRole('button', { name: /Evaluate/ }).click();
    await page.locator('.playground-result [role="alert"]').waitFor();
    expect(await page.locator('.playground-result [role="alert"]').textContent()).toMatch(/bogus_key|invalid/i);
  });

  // One numbering wherever a person reads a rule number: the shell rule is the second rule of
  // policies/default.yaml (wire index 1), so the CLI, the drawer and the playground all say #2.
  it('numbers rules from 1, the same in the CLI, the drawer and the playground', async () => {
    const action = await api.submit({ agent_id: 'numbers', tool: 'shell', operation: 'run', params: { cmd: 'date' } });
    expect(action.matched_rule?.index).toBe(1);
    const env = { FARAMESH_BASE_URL: server.url };
    expect((await runCli(['get', action.id], { env })).stdout).toMatch(
      /Matched Rule:\s+#2 Shell commands require approval/,
    );
    expect((await runCli(['explain', action.id], { env })).stdout).toContain(
      '✓ #2 Shell commands require approval [require_approval] ← decided',
    );

    await page.getByRole('link', { name: 'Playground' }).click();
    await page.getByLabel(/custom policy/).uncheck();
    await page.getByLabel('Action (JSON)').fill(JSON.stringify({ agent_id: 'a', tool: 'shell', operation: 'run' }));
    await page.getByRole('button', { name: /Evaluate/ }).click();
    const result = page.getByTestId('playground-result');
    await result.locator('[data-decision="require_approval"]').waitFor();
    expect(await result.textContent()).toContain('#2 — Shell commands require approval');

    await page.goto(server.url);
    await waitLive(page);
    const row = page.locator(`tr[data-action-id="${action.id}"]`);
    await row.waitFor();
    await row.locator('.row-open').click();
    const drawer = page.getByTestId('action-drawer');
    await drawer.waitFor();
    expect(await drawer.textContent()).toContain('Decided by rule #2: Shell commands require approval');
  });

  it('loads under the strict CSP with no violation and no script error', async () => {
    const headers = (await fetch(server.url)).headers;
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(watch.cspViolations).toEqual([]);
    expect(watch.errors).toEqual([]);
  });
});
