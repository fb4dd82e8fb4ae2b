// The whole suite, one benchmark after another (each in its own process, so none inherits another's
// JIT state or heap): `npm run bench` (full, ~10 minutes with the million-row run) or
// `node bench/run-all.mjs --smoke` (seconds; what bench/bench-smoke.test.ts runs).
// Expects a build (`npm run bench` builds first). PostgreSQL runs when its binaries are installed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin } from '../packages/store/dist/postgres/throwaway-cluster.js';
import { machineLine } from './lib/machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const smoke = process.argv.includes('--smoke');
const only = process.argv.filter((a) => !a.startsWith('--') && a !== process.argv[0] && a !== process.argv[1]);

const SUITE = [
  'policy-eval.mjs',
  'submit-load.mjs',
  'approval-roundtrip.mjs',
  'sse-fanout.mjs',
  'scale-list.mjs',
  'ledger-verify.mjs',
  'webhook-submit.mjs',
  'shadow-submit.mjs',
  'features-submit.mjs',
  'limits-grants.mjs',
  'limit-window.mjs',
  'usage-prune.mjs',
  'postgres-submit.mjs',
];

console.log(`# Faramesh benchmark suite${smoke ? ' (smoke)' : ''}, ${new Date().toISOString()}`);
console.log(`machine: ${machineLine()}`);
let failed = 0;
for (const file of SUITE) {
  if (only.length > 0 && !only.some((name) => file.startsWith(name))) continue;
  if (file === 'postgres-submit.mjs' && findPostgresBin() === null) {
    console.log(`\n## ${file}: skipped (no PostgreSQL binaries; install Debian's postgresql or set FARAMESH_PG_BIN)`);
    continue;
  }
  const run = spawnSync(process.execPath, [join(here, file), ...(smoke ? ['--smoke'] : [])], {
    stdio: 'inherit',
    cwd: join(here, '..'),
  });
  if (run.status !== 0) {
    failed += 1;
    console.log(`\n## ${file}: FAILED (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
