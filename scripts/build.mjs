// Builds everything a server start needs: the TypeScript packages (tsc -b, incremental) and the web
// dashboard (Vite), the latter only when its sources are newer than its last build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { copyPackageFiles } from './package-files.mjs';

const root = new URL('..', import.meta.url).pathname;
const force = process.argv.includes('--force');

function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);

const web = join(root, 'packages/web');
if (existsSync(join(web, 'package.json'))) {
  const built = join(web, 'dist/index.html');
  const stale = force || !existsSync(built) || newest(web) > statSync(built).mtimeMs;
  if (stale) run('npm', ['run', 'build', '--silent', '-w', '@faramesh/web']);
}

// The licence into every published package; the dashboard and the policies into `faramesh`.
copyPackageFiles();
