// Takes the screenshots in docs/screenshots/ from a real server with demo data:
//   npm run build && npm run screenshots -w @faramesh/web
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '../../..');
const OUT = join(ROOT, 'docs/screenshots');
mkdirSync(OUT, { recursive: true });

async function serve(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-shots-'));
  copyFileSync(join(ROOT, 'policies/default.yaml'), join(dir, 'policy.yaml'));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'packages/cli/dist/bin.js'),
      'serve',
      '--port',
      '0',
      '--demo',
      '--policy',
      join(dir, 'policy.yaml'),
      '--db',
      join(dir, 'a.db'),
    ],
    {
      cwd: dir,
      env: { PATH: process.env.PATH, FARAMESH_UI_DIR: join(ROOT, 'packages/web/dist'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  for (let i = 0; i < 200; i++) {
    const match = /listening on (http:\/\/\S+)/.exec(log);
    if (match) return { url: match[1], child };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start:\n${log}`);
}

const { url, child } = await serve();
const post = (body) =>
  fetch(`${url}/v1/actions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json());
const suspicious = await post({
  agent_id: 'ops-agent',
  tool: 'shell',
  operation: 'run',
  params: { cmd: 'tar czf backup.tgz /srv/app \u202E; rm -rf /srv/app #', note: '<img src=x onerror=alert(1)>' },
  context: { ticket: 'OPS-1423', requested_by: 'nightly-maintenance' },
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
async function shoot(
  name,
  { width = 1280, height = 800, theme = 'light', path = '/', prepare, base = url, live = true } = {},
) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: width < 600 ? 2 : 1,
    colorScheme: theme,
  });
  const page = await context.newPage();
  await page.goto(base + path);
  if (live) await page.locator('[data-testid="connection"].connection-live').waitFor();
  if (prepare) await prepare(page);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  await context.close();
  console.log(`docs/screenshots/${name}.png`);
}

await shoot('actions-table');
await shoot('action-drawer', {
  path: `/?action=${suspicious.id}`,
  prepare: (p) =>
    p
      .getByTestId('action-drawer')
      .getByRole('button', { name: /^Approve/ })
      .waitFor(),
});
await shoot('playground', {
  path: '/playground',
  prepare: async (p) => {
    await p
      .getByLabel('Action (JSON)')
      .fill(
        JSON.stringify(
          { agent_id: 'ops-agent', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /var/data' } },
          null,
          2,
        ),
      );
    await p.getByRole('button', { name: /Evaluate/ }).click();
    await p.getByTestId('playground-result').waitFor();
  },
});
await shoot('phone', { width: 390, height: 844 });
await shoot('phone-drawer', { width: 390, height: 844, path: `/?action=${suspicious.id}` });
await shoot('dark-theme', { theme: 'dark', path: `/?action=${suspicious.id}` });
const secured = await serve({ FARAMESH_TOKENS: 'ann:approver:example-token-123' });
await shoot('login', { base: secured.url, live: false, prepare: (p) => p.getByLabel('Access token').waitFor() });
secured.child.kill('SIGTERM');

await browser.close();
child.kill('SIGTERM');
