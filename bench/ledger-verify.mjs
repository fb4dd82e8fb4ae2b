// Ledger verification speed: the full verification (hash chain, every action row against its last
// snapshot, counts, high-water mark, checkpoints) of a SQLite ledger of N actions, in events/s and
// actions/s, with the process's peak RSS (memory must stay bounded: verification reads pages);
// and the quick checks the server runs at start and every minute.
//
//   node bench/ledger-verify.mjs [--smoke] [--actions N]        (after `npm run build`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLedger, quickLedgerCheck } from '../packages/server/dist/index.js';
import { createSqliteStore } from '../packages/store/dist/index.js';
import { generateActions } from './lib/generate-actions.mjs';
import { header } from './lib/machine.mjs';
import { int, num } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const actionsFlag = process.argv.indexOf('--actions');
const ACTIONS = actionsFlag > 0 ? Number(process.argv[actionsFlag + 1]) : smoke ? 2000 : 100_000;

header(`Ledger verification: ${int(ACTIONS)} actions on SQLite`);
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'));
try {
  const path = join(dir, 'ledger.db');
  generateActions(path, ACTIONS);
  const store = createSqliteStore({ path });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await auditLedger(store, { key: null, checkpointFile: null });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU seconds too: on a shared machine the wall clock mostly measures the other processes.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (!report.ok) throw new Error(`a generated ledger must verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
    const q0 = performance.now();
    const quick = await quickLedgerCheck(store.ledger, { key: null, checkpointFile: null });
    const quickMs = performance.now() - q0;
    if (quick.length > 0) throw new Error(`quick check found ${quick[0].kind}`);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    console.log(
      `  full verify: ${int(report.events)} events, ${int(report.actions)} actions in ${num(seconds)} s → ` +
        `${int(report.events / seconds)} events/s, ${int(report.actions / seconds)} actions/s; peak RSS ${num(peakRss / 2 ** 20)} MiB`,
    );
    console.log(`  CPU: ${num(cpuSeconds)} s → ${int(report.events / cpuSeconds)} events per CPU-second`);
    console.log(`  quick checks (start-up and periodic): ${num(quickMs)} ms`);
    console.log(
      `target: verify ≥ 10,000 events/s → ${int(report.events / seconds)}; quick checks ≤ 50 ms → ${num(quickMs)} ms`,
    );
  } finally {
    clearInterval(sampler);
    await store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
