import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecret, startReceiver } from '../../packages/server/src/notify/webhook-receiver.test-support.js';
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

// Issue 15 "Seeing it": the drawer shows where each notification of an action stands.
describe.skipIf(!HAS_CHROMIUM)('web dashboard: notification delivery state in the drawer', () => {
  let server: RunningServer;
  let browser: Browser;
  let failing = true;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    assertWebBuilt();
    const secret = newSecret();
    receiver = await startReceiver([secret], () => (failing ? 503 : 200));
    const dir = workDir();
    const channels = join(dir.dir, 'channels.yaml');
    writeFileSync(
      channels,
      [
        'webhooks:',
        '  ops-hook:',
        `    url: ${receiver.url}`,
        "    events: ['created']",
        '    secret_env: OPS_SECRET',
        'delivery: { backoff_base_ms: 300, backoff_max_ms: 600, poll_ms: 50, max_attempts: 50 }',
        '',
      ].join('\n'),
    );
    server = await startServer({
      dir: dir.dir,
      env: { FARAMESH_UI_DIR: WEB_DIST, FARAMESH_CHANNELS_FILE: channels, OPS_SECRET: secret },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
  });

  it('shows a failing delivery as retrying with the receiver error, then as delivered once it recovers', async () => {
    const submitted = await api(server.url, '/v1/actions', {
      body: { agent_id: 'ops-bot', tool: 'shell', operation: 'run', params: { cmd: 'kubectl delete pod web-1' } },
    });
    expect(submitted.status).toBe(201);
    const id: string = submitted.json.id;

    const { page, watch } = await watchedPage(await browser.newContext({ viewport: { width: 1280, height: 900 } }));
    await page.goto(`${server.url}/?action=${id}`);
    await waitLive(page);
    const item = page.locator('[data-testid="delivery-list"] .delivery-item');
    await item.and(page.locator('[data-state="retrying"]')).waitFor({ timeout: 15_000 });
    expect(await item.count()).toBe(1);
    expect(await item.locator('strong').textContent()).toBe('ops-hook');
    expect(await item.locator('[data-last-error]').textContent()).toBe('Last error: HTTP 503');
    expect(await item.textContent()).toContain('Retrying');

    failing = false;
    await item.and(page.locator('[data-state="delivered"]')).waitFor({ timeout: 15_000 });
    expect(await item.locator('[data-last-error]').count()).toBe(0);
    expect(await item.textContent()).toMatch(/Delivered.*ops-hook.*submitted.*\d+ attempts/);
    expect(receiver.delivered().size).toBe(1);
    expect(watch.errors).toEqual([]);
  });
});
