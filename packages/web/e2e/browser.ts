import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); playwright's own download can't reach its CDN here. */
export const CHROMIUM = '/usr/bin/chromium';
/**
 * Whether the browser suites can run. Outside CI a missing chromium skips them with a message; under
 * CI (`CI` set, as `.ci/run` does) it is an error, so they can never be skipped silently there.
 */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM && process.env.CI) {
  throw new Error(
    `${CHROMIUM} is missing and CI is set: the browser tests are mandatory (apt-get install -y chromium)`,
  );
}
export const WEB_DIST = resolve(import.meta.dirname, '../dist');

/** The e2e suites need the built dashboard; say how to build it rather than failing obscurely. */
export function assertWebBuilt(): void {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`packages/web/dist is missing: run \`npm run build -w @faramesh/web\` first`);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** What a page did that a test may want to assert never happened. */
export interface PageWatch {
  dialogs: string[];
  errors: string[];
  cspViolations: string[];
}

/** A page that records dialogs (and dismisses them), uncaught errors and CSP violations. */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; watch: PageWatch }> {
  const page = await context.newPage();
  const watch: PageWatch = { dialogs: [], errors: [], cspViolations: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watch.cspViolations.push(message.text());
  });
  return { page, watch };
}

/** Waits until the header says the live stream is connected. */
export async function waitLive(page: Page): Promise<void> {
  await page.locator('[data-testid="connection"].connection-live').waitFor({ timeout: 10_000 });
}

/** A fresh browser context signed in with `token` at `url` (the token form), live stream connected. */
export async function signInWithToken(
  browser: Browser,
  url: string,
  token: string,
): Promise<{ page: Page; errors: () => string[] }> {
  const context = await browser.newContext();
  const { page, watch } = await watchedPage(context);
  await page.goto(url);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitLive(page);
  return { page, errors: () => watch.errors };
}
