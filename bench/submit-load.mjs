// POST /v1/actions on SQLite (WAL, synchronous=FULL: every acknowledged submit is durable, with its
// decision and two ledger events) at 1, 16, 64 and 256 connections and at a fixed offered rate of
// 1,000/s (open loop, paced: lib/paced-load.mjs), each next to a plain node:http JSON server (the
// ceiling for this machine) run in turn with the same load.
//
//   node bench/submit-load.mjs [--smoke] [--seconds N]        (after `npm run build`)
//
// autocannon drives both servers from this process, so the load generator shares the machine.
// "cpu/req" is the server process's CPU time per request (user + system, from /proc): less
// sensitive to other load on the machine than req/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { header } from './lib/machine.mjs';
import { startBaseline, startFaramesh } from './lib/servers.mjs';
import { int, ratio } from './lib/stats.mjs';
import { submitLoad, warmUp } from './lib/submit-run.mjs';

const smoke = process.argv.includes('--smoke');
const secondsFlag = process.argv.indexOf('--seconds');
const seconds = secondsFlag > 0 ? Number(process.argv[secondsFlag + 1]) : smoke ? 1 : 10;
const LEVELS = [
  { connections: 1 },
  { connections: 16 },
  { connections: 64 },
  { connections: 256 },
  { rate: smoke ? 200 : 1000 },
];

function line(label, r) {
  const cpu = r.cpu === null ? '' : `   cpu/req ${int(r.cpu).padStart(4)} µs`;
  return `  ${label.padEnd(9)} ${int(r.rps).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms${cpu}   failed ${r.failed}`;
}

header('POST /v1/actions: Faramesh on SQLite FULL vs the node:http ceiling');
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'));
const baseline = await startBaseline();
const faramesh = await startFaramesh({ db: join(dir, 'bench.db') });
const rows = [];
try {
  // Warm both up (JIT, page cache) so the first level doesn't measure compilation.
  for (const server of [baseline, faramesh]) {
    await warmUp(server, smoke ? 0.2 : 2);
  }
  for (const level of LEVELS) {
    const title = level.rate ? `offered ${int(level.rate)}/s (open loop, paced)` : `${level.connections} connections`;
    const base = await submitLoad(baseline, { ...level, seconds });
    const ours = await submitLoad(faramesh, { ...level, seconds });
    rows.push({ level, base, ours });
    console.log(`${title}, ${seconds} s each`);
    console.log(line('node:http', base));
    console.log(line('faramesh', ours));
    console.log(
      `  ratio     ${((ours.rps / base.rps) * 100).toFixed(1)}% of the ceiling's throughput; p99 ${ratio(ours.p99 || 1, base.p99 || 1)}`,
    );
  }
} finally {
  await faramesh.stop();
  await baseline.stop();
  rmSync(dir, { recursive: true, force: true });
}
const at64 = rows.find((r) => r.level.connections === 64);
const fixed = rows.find((r) => r.level.rate);
console.log(
  `targets: ≥ 8,000/s at 64 connections → ${int(at64.ours.rps)}/s; ≥ 25% of the ceiling → ${((at64.ours.rps / at64.base.rps) * 100).toFixed(1)}%; ` +
    `p99 ≤ 10 ms at ${int(fixed.level.rate)}/s offered → ${fixed.ours.p99} ms`,
);
