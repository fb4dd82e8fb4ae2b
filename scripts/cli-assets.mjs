// Copies what the `faramesh` package ships besides its code into packages/cli/assets/: the built
// dashboard (packages/web/dist → assets/ui) and the policies (policies/ → assets/policies: the
// default policy, its cases and the packs). Only files that differ are written and stale ones
// removed, so a no-op build never rewrites a file a running server or test is reading.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Makes `to` an exact copy of `from` (files and folders), touching only what differs. */
function mirror(from, to) {
  mkdirSync(to, { recursive: true });
  const wanted = new Set(readdirSync(from));
  for (const name of readdirSync(to)) if (!wanted.has(name)) rmSync(join(to, name), { recursive: true, force: true });
  for (const name of wanted) {
    const source = join(from, name);
    const target = join(to, name);
    if (statSync(source).isDirectory()) {
      if (existsSync(target) && !statSync(target).isDirectory()) rmSync(target);
      mirror(source, target);
      continue;
    }
    const bytes = readFileSync(source);
    if (existsSync(target) && statSync(target).isFile() && readFileSync(target).equals(bytes)) continue;
    rmSync(target, { recursive: true, force: true });
    writeFileSync(target, bytes);
  }
}

export function copyCliAssets() {
  const assets = join(root, 'packages/cli/assets');
  const ui = join(root, 'packages/web/dist');
  if (!existsSync(join(ui, 'index.html'))) throw new Error(`the dashboard is not built (${ui}/index.html is missing)`);
  mirror(ui, join(assets, 'ui'));
  mirror(join(root, 'policies'), join(assets, 'policies'));
}

if (process.argv[1] === new URL(import.meta.url).pathname) copyCliAssets();
