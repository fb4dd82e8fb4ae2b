// Submit throughput with a shadow policy, side by side with none (issue 16: within 10%). The shadow
// policy is evaluated beside the active one on every submission; a disagreement is one more row in
// the submission's own transaction.
//
//   node bench/shadow-submit.mjs [--smoke] [--seconds N] [--connections N] [--rounds N]   (after `npm run build`)
//
// Three servers on SQLite (WAL, synchronous=FULL), the default policy active: no shadow policy; a
// shadow policy that agrees on every request (the default policy plus a comment: evaluated, nothing
// recorded); one that disagrees on every request (a row recorded with each). Rounds alternate
// between them so that drift on a shared machine spreads over all three. Two ratios, of the medians
// over rounds: throughput, and the server process's CPU time per request (user + system, from
// /proc), which is the steadier of the two when other work shares the machine.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { header } from './lib/machine.mjs';
import { cpuMicros, root, startFaramesh } from './lib/servers.mjs';
import { median } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = flag('--seconds', smoke ? 1 : 10);
const connections = flag('--connections', smoke ? 8 : 32);
const rounds = flag('--rounds', smoke ? 1 : 3);

function load(url) {
  let i = 0;
  return autocannon({
    url: `${url}/v1/actions`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          i += 1;
          const body = {
            agent_id: `bench-${i % 16}`,
            tool: 'http',
            operation: 'get',
            params: { url: `https://api.example.com/${i}` },
          };
          return { ...req, body: JSON.stringify(body) };
        },
      },
    ],
  });
}

const active = readFileSync(join(root, 'policies/default.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-shadow-'));
const agreeing = join(dir, 'agreeing.yaml');
const disagreeing = join(dir, 'disagreeing.yaml');
writeFileSync(agreeing, `${active}\n# the same rules: a shadow policy that agrees everywhere\n`);
// The default policy allows HTTP GETs; this one sends every action to approval.
writeFileSync(
  disagreeing,
  'rules:\n  - match: { tool: "*" }\n    require_approval: true\n    description: Shadow asks for everything\n',
);

const CASES = [
  { label: 'no shadow policy', env: {} },
  { label: 'shadow policy agreeing (evaluated)', env: { FARAMESH_SHADOW_POLICY: agreeing } },
  { label: 'shadow policy disagreeing (recorded)', env: { FARAMESH_SHADOW_POLICY: disagreeing } },
];

header(
  `Submit with and without a shadow policy: POST /v1/actions, ${connections} connections, ${seconds} s × ${rounds} alternating rounds`,
);
const results = CASES.map(() => ({ rps: [], p99: [], cpu: [], errors: 0 }));
try {
  for (let round = 0; round < rounds; round++) {
    for (const [index, c] of CASES.entries()) {
      const server = await startFaramesh({ db: join(dir, `round-${round}-${index}.db`), env: c.env });
      const before = cpuMicros(server.child.pid);
      const r = await load(server.url);
      const after = cpuMicros(server.child.pid);
      await server.stop();
      if (before !== null && after !== null) results[index].cpu.push((after - before) / Math.max(1, r.requests.total));
      results[index].rps.push(r.requests.average);
      results[index].p99.push(r.latency.p99);
      results[index].errors += r.non2xx + r.errors + r.timeouts;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const int = (x) => Math.round(x).toString();
for (const [index, c] of CASES.entries()) {
  const r = results[index];
  const cpu =
    r.cpu.length === 0 ? '' : `   cpu/req ${int(median(r.cpu)).padStart(4)} µs (${r.cpu.map(int).join(', ')})`;
  console.log(
    `  ${c.label.padEnd(38)} ${int(median(r.rps)).padStart(6)} req/s (${r.rps.map(int).join(', ')})   p99 ${int(median(r.p99))} ms${cpu}   errors ${r.errors}`,
  );
}
const baseRps = median(results[0].rps);
const baseCpu = results[0].cpu.length === 0 ? null : median(results[0].cpu);
for (const index of [1, 2]) {
  const r = results[index];
  const rps = ((100 * median(r.rps)) / baseRps).toFixed(1);
  const cpu =
    baseCpu === null || r.cpu.length === 0
      ? ''
      : `; cpu/req ${((100 * median(r.cpu)) / baseCpu).toFixed(1)}% of without`;
  console.log(`target ${CASES[index].label}: ${rps}% of the throughput without (goal ≥ 90%)${cpu}`);
}
