// Files the published packages carry that live elsewhere in the repository: the licence (LICENSE,
// into every publishable package) and, in the `faramesh` package, the built dashboard
// (packages/web/dist → packages/cli/assets/ui) and the policies (policies/ → assets/policies: the
// default policy, its cases and the packs). Only files that differ are written and stale ones
// removed, so a no-op build never rewrites a file a running server or test is reading.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Makes `to` an exact copy of `from` (files and folders), touching only what differs. */
function mirror(from, to) {
  if (statSync(from).isFile()) return copyIfChanged(from, to);
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
    copyIfChanged(source, target);
  }
}

function copyIfChanged(source, target) {
  const bytes = readFileSync(source);
  if (existsSync(target) && statSync(target).isFile() && readFileSync(target).equals(bytes)) return;
  rmSync(target, { recursive: true, force: true });
  writeFileSync(target, bytes);
}

/** The folders of the workspace packages that are published (not `private`). */
export function publishedPackageDirs() {
  return ['packages', 'integrations']
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .filter((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true);
}

export function copyPackageFiles() {
  for (const dir of publishedPackageDirs()) copyIfChanged(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  const assets = join(root, 'packages/cli/assets');
  const ui = join(root, 'packages/web/dist');
  if (!existsSync(join(ui, 'index.html'))) throw new Error(`the dashboard is not built (${ui}/index.html is missing)`);
  mirror(ui, join(assets, 'ui'));
  mirror(join(root, 'policies'), join(assets, 'policies'));
}

if (process.argv[1] === new URL(import.meta.url).pathname) copyPackageFiles();
