// POST /v1/actions on SQLite (WAL, synchronous=FULL: every acknowledged submit is durable, with its
// decision and two ledger events) at 1, 16, 64 and 256 connections and at a fixed offered rate of
// 1,000/s (open loop, paced: lib/paced-load.mjs), each next to a plain node:http JSON server (the
// ceiling for this machine) run in turn with the same load.
//
//   node bench/submit-load.mjs [--smoke] [--seconds N] [--limits-only]        (after `npm run build`)
//
// Then the same submissions with and without a rate limit on the deciding rule (a per-agent
// `limit:` over 1,024 agents, never reached: every call is still allowed, but each one's limit is
// decided and its usage recorded in the write transaction), alternating the two servers.
//
// autocannon drives both servers from this process, so the load generator shares the machine.
// "cpu/req" is the server process's CPU time per request (user + system, from /proc): less
// sensitive to other load on the machine than req/s.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { header } from './lib/machine.mjs';
import { pacedLoad } from './lib/paced-load.mjs';
import { startBaseline, startFaramesh } from './lib/servers.mjs';
import { int, ratio } from './lib/stats.mjs';
import { body, submitLoad, warmUp } from './lib/submit-run.mjs';

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

/** Runs one level (closed loop at `connections`, or paced at `rate`) against `server`. */
const load = (server, level) => submitLoad(server, { ...level, seconds });
const loadWith = (server, level, bodyOf) => submitLoad(server, { ...level, seconds }, bodyOf);

function line(label, r) {
  const cpu = r.cpu === null ? '' : `   cpu/req ${int(r.cpu).padStart(4)} µs`;
  return `  ${label.padEnd(9)} ${int(r.rps).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms${cpu}   failed ${r.failed}`;
}

const limitsOnly = process.argv.includes('--limits-only');
if (!limitsOnly) await ceilingComparison();

async function ceilingComparison() {
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
      const base = await load(baseline, level);
      const ours = await load(faramesh, level);
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
}

header('POST /v1/actions: the deciding rule with a rate limit vs without (same run)');
// The default policy, and the same with a per-agent limit on its allow rule that no agent reaches.
const limitDir = mkdtempSync(join(tmpdir(), 'faramesh-bench-limits-'));
const plainPolicy = join(limitDir, 'plain.yaml');
const limitedPolicy = join(limitDir, 'limited.yaml');
const defaultPolicy = readFileSync(new URL('../policies/default.yaml', import.meta.url), 'utf8');
writeFileSync(plainPolicy, defaultPolicy);
const withLimit = defaultPolicy.replace(
  '    description: "Allow HTTP GET requests"\n',
  '    description: "Allow HTTP GET requests"\n    limit: { count: 100000, per: 1h, by: [agent_id] }\n',
);
if (withLimit === defaultPolicy) throw new Error('could not add a limit to the default policy');
writeFileSync(limitedPolicy, withLimit);
const manyAgents = (i) => ({ ...body(i), agent_id: `bench-${i % 1024}` });
const limitLevel = { connections: 64 };
const limitRounds = smoke ? 1 : 3;
const plainServer = await startFaramesh({ db: join(limitDir, 'plain.db'), policy: plainPolicy });
const limitedServer = await startFaramesh({ db: join(limitDir, 'limited.db'), policy: limitedPolicy });
const sums = { plain: { rps: 0, cpu: 0 }, limited: { rps: 0, cpu: 0 } };
try {
  for (const server of [plainServer, limitedServer]) {
    await pacedLoad(`${server.url}/v1/actions`, { rate: 500, seconds: smoke ? 0.2 : 2, body: manyAgents });
  }
  const probe = await fetch(`${limitedServer.url}/v1/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(manyAgents(1)),
  }).then((res) => res.json());
  if (probe.status !== 'allowed') throw new Error(`the limited rule should still allow: ${JSON.stringify(probe)}`);
  for (let round = 0; round < limitRounds; round++) {
    for (const [name, server] of [
      ['plain', plainServer],
      ['limited', limitedServer],
    ]) {
      const r = await loadWith(server, limitLevel, manyAgents);
      sums[name].rps += r.rps / limitRounds;
      sums[name].cpu += (r.cpu ?? 0) / limitRounds;
      console.log(line(name === 'plain' ? 'no limit' : 'limit', r));
    }
  }
} finally {
  await plainServer.stop();
  await limitedServer.stop();
  rmSync(limitDir, { recursive: true, force: true });
}
const throughput = (sums.limited.rps / sums.plain.rps) * 100;
const cpuRatio = sums.plain.cpu > 0 ? (sums.limited.cpu / sums.plain.cpu) * 100 : Number.NaN;
console.log(
  `  limits    ${limitRounds} alternating round(s) of ${seconds} s at 64 connections: ${int(sums.limited.rps)} vs ${int(sums.plain.rps)} req/s`,
);
console.log(
  `target: a rate limit keeps submit throughput within 10% → ${throughput.toFixed(1)}% of it (cpu/req ${Number.isNaN(cpuRatio) ? 'n/a' : `${cpuRatio.toFixed(1)}%`})`,
);
