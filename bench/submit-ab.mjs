// A/B of POST /v1/actions between two builds on the same machine in the same minutes: another
// checkout's build ("before", e.g. a copy of the tree before a change, built) and this one ("after"),
// alternated A B B A … so drift in the machine's load falls on both. Each run is a fresh server on a
// fresh SQLite file (FULL), warmed up 2 s, then `--connections` closed-loop for `--seconds` (and the
// paced `--rate` level when given). The primary figure is the server's CPU per request (from /proc):
// it hardly depends on what else the machine runs; req/s and p99 do.
//
//   node bench/submit-ab.mjs --before /path/to/other/checkout [--rounds 4] [--seconds 8]
//        [--connections 64] [--rate 1000] [--ceiling] [--memory]   (not in the suite: it needs a second build)
//
// `--memory` runs both builds on the memory store (bench/lib/memory-server.mjs): the server's own
// CPU per request without the store's, which is most of a durable submission's and noisy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { header } from './lib/machine.mjs';
import { root, startBaseline, startFaramesh, startMemoryServer } from './lib/servers.mjs';
import { int } from './lib/stats.mjs';
import { submitLoad, warmUp } from './lib/submit-run.mjs';

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const before = flag('before');
if (!before) throw new Error('usage: node bench/submit-ab.mjs --before /path/to/other/checkout [...]');
const rounds = Number(flag('rounds', 4));
const seconds = Number(flag('seconds', 8));
const connections = Number(flag('connections', 64));
const rate = flag('rate') === undefined ? null : Number(flag('rate'));
const builds = { before: resolve(before), after: root };
const memory = process.argv.includes('--memory');

async function one(name) {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-ab-'));
  const server = memory
    ? await startMemoryServer(builds[name])
    : await startFaramesh({ db: join(dir, 'ab.db'), from: builds[name] });
  try {
    await warmUp(server, 2);
    const closed = await submitLoad(server, { connections, seconds });
    const paced = rate === null ? null : await submitLoad(server, { rate, seconds });
    return { closed, paced };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ceiling() {
  const server = await startBaseline();
  try {
    await warmUp(server, 1);
    return await submitLoad(server, { connections, seconds });
  } finally {
    await server.stop();
  }
}

header(
  `A/B: POST /v1/actions${memory ? ' (memory store)' : ''}, ${connections} connections, ${seconds} s, before = ${builds.before}`,
);
const results = { before: [], after: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
  const base = process.argv.includes('--ceiling') ? await ceiling() : null;
  for (const name of order) {
    const r = await one(name);
    results[name].push(r);
    const paced = r.paced === null ? '' : `   ${rate}/s: p99 ${r.paced.p99} ms cpu/req ${int(r.paced.cpu)} µs`;
    const share =
      base === null ? '' : `   ${((r.closed.rps / base.rps) * 100).toFixed(1)}% of node:http ${int(base.rps)}`;
    console.log(
      `round ${round + 1} ${name.padEnd(6)} ${int(r.closed.rps).padStart(6)} req/s   p99 ${String(r.closed.p99).padStart(4)} ms   ` +
        `cpu/req ${int(r.closed.cpu).padStart(4)} µs   failed ${r.closed.failed}${share}${paced}`,
    );
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpu = (name) => median(results[name].map((r) => r.closed.cpu));
const rps = (name) => median(results[name].map((r) => r.closed.rps));
console.log(
  `median: before ${int(rps('before'))} req/s, ${int(cpu('before'))} µs/req | after ${int(rps('after'))} req/s, ` +
    `${int(cpu('after'))} µs/req | CPU per request ${(((cpu('after') - cpu('before')) / cpu('before')) * 100).toFixed(0)}%`,
);
