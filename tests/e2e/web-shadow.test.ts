import { writeFileSync } from 'node:fs';
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

describe.skipIf(!HAS_CHROMIUM)('web dashboard: what the shadow policy would have changed', () => {
  let server: RunningServer;
  let browser: Browser;
  const reads: Action[] = [];
  let shell: Action;

  beforeAll(async () => {
    assertWebBuilt();
    const work = workDir();
    writeFileSync(work.policy, ACTIVE);
    server = await startServer({ dir: work.dir, env: { FARAMESH_UI_DIR: WEB_DIST } });
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

  const open = async (path: string): Promise<Page> => {
    const { page, watch } = await watchedPage(await browser.newContext({ viewport: { width: 1280, height: 800 } }));
    await page.goto(`${server.url}${path}`);
    await waitLive(page);
    expect(watch.errors).toEqual([]);
    return page;
  };

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
