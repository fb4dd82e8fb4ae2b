import { writeFileSync } from 'node:fs';
import type { Action } from '@faramesh/contract';
import Database from 'better-sqlite3';
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
import { api, type RunningServer, startServer, workDir } from './harness.js';

if (!HAS_CHROMIUM) console.warn('web e2e skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

// Under the candidate, reading HTTP needs approval and shell is denied; stripe stays allowed.
const CANDIDATE = `version: candidate
rules:
  - match: { tool: http, op: get }
    require_approval: true
    description: Review HTTP GET requests
  - match: { tool: shell, op: "*" }
    deny: true
    description: No shell at all
  - match: { tool: "*", op: "*" }
    allow: true
    description: Everything else
`;

const ACTIVE = `rules:
  - match: { tool: shell, op: "*" }
    require_approval: true
    description: Shell needs approval
  - match: { tool: "*", op: "*" }
    allow: true
    description: Everything else
`;

/** A page at `url` once its live stream is connected, having thrown nothing. */
async function openPage(browser: Browser, url: string): Promise<Page> {
  const { page, watch } = await watchedPage(await browser.newContext({ viewport: { width: 1280, height: 800 } }));
  await page.goto(url);
  await waitLive(page);
  expect(watch.errors).toEqual([]);
  return page;
}

describe.skipIf(!HAS_CHROMIUM)('web dashboard: what the shadow policy would have changed', () => {
  let server: RunningServer;
  let browser: Browser;
  const reads: Action[] = [];
  let shell: Action;

  beforeAll(async () => {
    assertWebBuilt();
    const work = workDir();
    // The active policy redacts an API key the candidate doesn't: the page warns before promotion.
    writeFileSync(work.policy, `redact: [params.api_key]\n${ACTIVE}`);
    server = await startServer({
      dir: work.dir,
      env: { FARAMESH_UI_DIR: WEB_DIST, FARAMESH_REDACTION_KEY: 'k'.repeat(40) },
    });
    const set = await api(server.url, '/v1/policy/shadow', { body: { policy: CANDIDATE } });
    expect(set.status).toBe(200);
    const agent = apiClient(server.url);
    reads.push(
      await agent.submit({ agent_id: 'bot', tool: 'http', operation: 'get', params: { url: 'https://a.example' } }),
    );
    reads.push(
      await agent.submit({ agent_id: 'bot', tool: 'http', operation: 'get', params: { url: 'https://b.example' } }),
    );
    shell = await agent.submit({ agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } });
    await agent.submit({ agent_id: 'bot', tool: 'stripe', operation: 'refund', params: { amount: 3 } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = (path: string) => openPage(browser, `${server.url}${path}`);

  it('shows the counts by old → new decision and by rule for the chosen window', async () => {
    const page = await open('/shadow');
    await page.locator('[data-testid="shadow-report"]').waitFor();
    // The candidate was set moments ago: the report says it counts from then, not over 24 hours.
    expect(await page.locator('#shadow-report-title').textContent()).toMatch(
      /^What this policy would have changed since it was set, .*(ago|now)/,
    );
    expect(await page.locator('[data-testid="shadow-summary"]').textContent()).toBe(
      '3 of 4 submissions would have been decided differently.',
    );
    const rows = page.locator('[data-testid="shadow-transitions"] tbody tr');
    expect(await rows.count()).toBe(2);
    const first = page.locator('[data-testid="shadow-transitions"] tr[data-from="allow"][data-to="require_approval"]');
    expect(await first.locator('td.count').textContent()).toBe('2');
    expect(await first.locator('.example-link').allTextContents()).toEqual(
      [reads[1]!, reads[0]!].map((a) => a.id.slice(0, 8)),
    );
    const second = page.locator('[data-testid="shadow-transitions"] tr[data-from="require_approval"][data-to="deny"]');
    expect(await second.locator('td.count').textContent()).toBe('1');
    expect(await page.locator('[data-testid="shadow-rules"]').textContent()).toContain('#2 No shell at all');
    expect(await page.locator('[data-testid="shadow-redaction-stops"]').textContent()).toBe(
      'Promoting it would stop redacting params.api_key: those values would be stored in the clear from then on.',
    );

    await page.getByRole('button', { name: 'hour', exact: true }).click();
    await page.waitForURL(/since=1h/);
    // Set moments ago, the candidate's hour is also counted from when it was set.
    await page.locator('[data-testid="shadow-summary"]', { hasText: '3 of 4 submissions' }).waitFor();
    expect(await page.locator('#shadow-report-title').textContent()).toMatch(/since it was set/);
  });

  it('links each example to its action, whose drawer shows both decisions', async () => {
    const page = await open('/shadow');
    await page.locator(`[data-testid="shadow-transitions"] .example-link[href="/?action=${shell.id}"]`).click();
    const drawer = page.locator('[data-testid="action-drawer"]');
    await drawer.waitFor();
    const verdict = drawer.locator('[data-testid="shadow-verdict"]');
    await verdict.waitFor();
    expect(await drawer.locator('[data-status]').first().textContent()).toBe('Pending approval');
    expect(await verdict.locator('[data-decision]').getAttribute('data-decision')).toBe('deny');
    expect(await verdict.textContent()).toContain('No shell at all');
  });
});

describe.skipIf(!HAS_CHROMIUM)('web dashboard: a shadow policy set before the chosen window began', () => {
  let server: RunningServer;
  let browser: Browser;
  let recentRead: Action;

  beforeAll(async () => {
    assertWebBuilt();
    const work = workDir();
    writeFileSync(work.policy, ACTIVE);
    const first = await startServer({ dir: work.dir });
    let earlier: Action[];
    try {
      expect((await api(first.url, '/v1/policy/shadow', { body: { policy: CANDIDATE } })).status).toBe(200);
      const agent = apiClient(first.url);
      earlier = [
        await agent.submit({ agent_id: 'bot', tool: 'http', operation: 'get', params: { url: 'https://a.example' } }),
        await agent.submit({ agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } }),
      ];
    } finally {
      await first.stop();
    }
    // What a server running for the last three hours would hold: the candidate set three hours ago,
    // these two submissions (and what the candidate made of them) two hours ago.
    const db = new Database(work.db);
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    db.prepare('UPDATE shadow_policy SET set_at = ?').run(hoursAgo(3));
    for (const action of earlier) {
      db.prepare('UPDATE actions SET created_at = ? WHERE id = ?').run(hoursAgo(2), action.id);
      db.prepare('UPDATE shadow_disagreements SET created_at = ? WHERE action_id = ?').run(hoursAgo(2), action.id);
    }
    db.close();

    server = await startServer({ dir: work.dir, env: { FARAMESH_UI_DIR: WEB_DIST } });
    const agent = apiClient(server.url);
    recentRead = await agent.submit({
      agent_id: 'bot',
      tool: 'http',
      operation: 'get',
      params: { url: 'https://c.example' },
    });
    await agent.submit({ agent_id: 'bot', tool: 'stripe', operation: 'refund', params: { amount: 3 } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says it counts over the whole window the user chose, and counts only that window', async () => {
    const page = await openPage(browser, `${server.url}/shadow`);
    const title = page.locator('#shadow-report-title');
    const summary = page.locator('[data-testid="shadow-summary"]');
    // 24 hours reach back before the candidate was set: counted from then.
    await summary.filter({ hasText: '3 of 4 submissions' }).waitFor();
    expect(await title.textContent()).toBe('What this policy would have changed since it was set, 3 h ago');

    await page.getByRole('button', { name: 'hour', exact: true }).click();
    await page.waitForURL(/since=1h/);
    await summary.filter({ hasText: '1 of 2 submissions' }).waitFor();
    expect(await title.textContent()).toBe('What this policy would have changed in the last hour');
    expect(await summary.textContent()).toBe('1 of 2 submissions would have been decided differently.');
    expect(await page.locator('[data-testid="shadow-transitions"] tbody tr').count()).toBe(1);
    const read = page.locator('[data-testid="shadow-transitions"] tr[data-from="allow"][data-to="require_approval"]');
    expect(await read.locator('td.count').textContent()).toBe('1');
    expect(await read.locator('.example-link').allTextContents()).toEqual([recentRead.id.slice(0, 8)]);
  });

  it("keeps the heading of the counts shown while the chosen window's report loads", async () => {
    const page = await openPage(browser, `${server.url}/shadow`);
    const title = page.locator('#shadow-report-title');
    const summary = page.locator('[data-testid="shadow-summary"]');
    await summary.filter({ hasText: '3 of 4 submissions' }).waitFor();
    let release = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    const asked = new Promise<void>((done) => {
      void page.route('**/v1/policy/shadow/report?since=1h', async (route) => {
        done();
        await held;
        await route.continue();
      });
    });
    await page.getByRole('button', { name: 'hour', exact: true }).click();
    await asked;
    // The 24 hours' counts are still shown: not "in the last hour" over them.
    expect(await summary.textContent()).toBe('3 of 4 submissions would have been decided differently.');
    expect(await title.textContent()).toBe('What this policy would have changed since it was set, 3 h ago');
    release();
    await summary.filter({ hasText: '1 of 2 submissions' }).waitFor();
    expect(await title.textContent()).toBe('What this policy would have changed in the last hour');
  });

  it("says why the chosen window's report could not be read", async () => {
    const page = await openPage(browser, `${server.url}/shadow`);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.locator('[data-testid="shadow-summary"]', { hasText: '3 of 4 submissions' }).waitFor();
    await page.route('**/v1/policy/shadow/report?since=1h', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'hour', exact: true }).click();
    await page.locator('[role="alert"]', { hasText: 'The server could not be reached.' }).waitFor();
    expect(errors).toEqual([]);
    // The 24 hours' report stays, still under its own heading.
    expect(await page.locator('#shadow-report-title').textContent()).toBe(
      'What this policy would have changed since it was set, 3 h ago',
    );
  });

  it('drops the report of a window left before it arrived, without an error', async () => {
    const page = await openPage(browser, `${server.url}/shadow`);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.locator('[data-testid="shadow-summary"]', { hasText: '3 of 4 submissions' }).waitFor();
    const asked = new Promise<void>((done) => {
      void page.route('**/v1/policy/shadow/report?since=1h', () => done());
    });
    await page.getByRole('button', { name: 'hour', exact: true }).click();
    await asked;
    const sevenDays = page.waitForResponse((response) => response.url().endsWith('/report?since=7d'));
    await page.getByRole('button', { name: '7 days', exact: true }).click();
    expect((await sevenDays).status()).toBe(200);
    await page.locator('#shadow-report-title', { hasText: 'since it was set, 3 h ago' }).waitFor();
    expect(errors).toEqual([]);
    expect(await page.locator('[role="alert"]').count()).toBe(0);
  });
});
