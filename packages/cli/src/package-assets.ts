import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** This package's root: dist/ and src/ sit one level below it. */
const PACKAGE_ROOT = new URL('../', import.meta.url);

/**
 * A file or folder the `faramesh` package ships under `assets/` (copied there by scripts/build.mjs
 * and packed with the package), so an installed CLI finds it beside its own files. In a source tree
 * that hasn't been built yet, the checkout's original is used instead.
 */
function asset(shipped: string, inCheckout: string): string {
  const packaged = fileURLToPath(new URL(`assets/${shipped}`, PACKAGE_ROOT));
  return existsSync(packaged) ? packaged : fileURLToPath(new URL(`../../${inCheckout}`, PACKAGE_ROOT));
}

/** The built dashboard (index.html and its hashed assets). */
export function dashboardDir(): string {
  return asset('ui', 'packages/web/dist');
}

/** The default policy, its case file and the policy packs (packs/). */
export function policiesDir(): string {
  return asset('policies', 'policies');
}
