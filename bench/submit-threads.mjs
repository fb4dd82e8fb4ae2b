// Where a submission's CPU goes by thread, and what the garbage collector takes (not in the suite):
//
//   node bench/submit-threads.mjs [--smoke] [--modes none,approvals,every] [--seconds N] [--rounds N]
//     (after `npm run build`)
//
// A V8 CPU profile sees only the main thread; /proc sees them all. One server per mode and round
// (SQLite FULL, open mode), 64 connections, 90% HTTP GETs allowed and 10% deploys sent to approval:
//   none       no channels;
//   approvals  a webhook told when a deploy starts to wait (`notify:`), one message per approval;
//   every      a webhook for every decision, one message per submission.
// The receiver is a child process answering 200 at once (its CPU is not the server's). Printed per
// request: each server thread's user and system CPU over the measured load (the main thread first;
// the others are V8's platform workers — parallel scavenges, concurrent marking, compilation —
// the WAL checkpoint worker and libuv's pool, which Linux names alike), and from `--trace-gc` the
// scavenges and mark-compacts per 1,000 requests with their main-thread pause per request.

import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { header } from './lib/machine.mjs';
import { startFaramesh } from './lib/servers.mjs';
import { median } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const seconds = Number(option('--seconds', smoke ? 1 : 8));
const rounds = Number(option('--rounds', smoke ? 1 : 2));
const modes = option('--modes', 'none,approvals,every').split(',');

const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-threads-'));
const receiver = fork(new URL('./lib/webhook-receiver.mjs', import.meta.url));
const port = await new Promise((done) => receiver.once('message', done));

function configure(mode) {
  const notify = mode === 'approvals' ? '\n    notify: [ops]' : '';
  const policy = join(dir, `policy-${mode}.yaml`);
  writeFileSync(
    policy,
    `rules:\n  - match: { tool: http, op: get }\n    allow: true\n  - match: { tool: deploy }\n    require_approval: true${notify}\n  - match: { tool: "*" }\n    deny: true\n`,
  );
  if (mode === 'none') return { policy, env: {} };
  const channels = join(dir, `channels-${mode}.yaml`);
  const events = mode === 'every' ? '[decision_made]' : '[approved, denied, expired]';
  writeFileSync(
    channels,
    `webhooks:\n  ops:\n    url: http://127.0.0.1:${port}/hook\n    events: ${events}\n    secret_env: BENCH_WEBHOOK_SECRET\n`,
  );
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  return { policy, env: { FARAMESH_CHANNELS_FILE: channels, BENCH_WEBHOOK_SECRET: secret } };
}

/** CPU time (µs) of each thread of `pid` so far: tid → [user, system]. */
function threadCpu(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(Number(tid), [Number(fields[11]) * 1e4, Number(fields[12]) * 1e4]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

function load(url, duration) {
  let i = 0;
  return autocannon({
    url: `${url}/v1/actions`,
    method: 'POST',
    connections: 64,
    duration,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          i += 1;
          const approval = i % 10 === 0;
          const body = {
            agent_id: `bench-${i % 16}`,
            tool: approval ? 'deploy' : 'http',
            operation: approval ? 'run' : 'get',
            params: approval
              ? { service: `svc-${i % 7}`, version: `1.${i}` }
              : { url: `https://api.example.com/items/${i}` },
          };
          return { ...req, body: JSON.stringify(body) };
        },
      },
    ],
  });
}

/** Collections in `log` (`--trace-gc` lines): kind → [count, main-thread pause ms]. */
function collections(log) {
  const out = new Map();
  for (const line of log.split('\n')) {
    const m = /ms: (Scavenge|Mark-Compact|Minor Mark-Compact)[^,]*, ([0-9.]+) \/ [0-9.]+ ms/.exec(line);
    if (m === null) continue;
    const [count, ms] = out.get(m[1]) ?? [0, 0];
    out.set(m[1], [count + 1, ms + Number(m[2])]);
  }
  return out;
}

header(
  `Server CPU per submission by thread, and the garbage collector: POST /v1/actions (10% sent to approval), 64 connections, ${seconds} s × ${rounds} alternating rounds`,
);
const results = new Map(modes.map((mode) => [mode, []]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) {
      const { policy, env } = configure(mode);
      const server = await startFaramesh({
        db: join(dir, `round-${round}-${mode}.db`),
        policy,
        env,
        nodeArgs: ['--trace-gc'],
      });
      const pid = server.child.pid;
      await load(server.url, smoke ? 0.5 : 2);
      await new Promise((done) => setTimeout(done, 300));
      const before = threadCpu(pid);
      const logFrom = server.log().length;
      const r = await load(server.url, seconds);
      // Deliveries still in flight are part of what the load cost.
      await new Promise((done) => setTimeout(done, 300));
      const after = threadCpu(pid);
      const gc = collections(server.log().slice(logFrom));
      await server.stop();
      const n = Math.max(1, r.requests.total);
      const threads = [...after].map(([tid, [user, system]]) => {
        const [user0, system0] = before.get(tid) ?? [0, 0];
        return { main: tid === pid, user: (user - user0) / n, system: (system - system0) / n };
      });
      results.get(mode).push({ rps: r.requests.average, n, threads, gc });
    }
  }
} finally {
  receiver.kill();
  rmSync(dir, { recursive: true, force: true });
}

const f1 = (x) => x.toFixed(1).padStart(6);
for (const [mode, runs] of results) {
  for (const [index, run] of runs.entries()) {
    const main = run.threads.find((t) => t.main) ?? { user: 0, system: 0 };
    const others = run.threads.filter((t) => !t.main);
    const sum = (list, key) => list.reduce((total, t) => total + t[key], 0);
    const total = sum(run.threads, 'user') + sum(run.threads, 'system');
    const busy = others
      .filter((t) => t.user + t.system >= 0.5)
      .map((t) => `${t.user.toFixed(1)}+${t.system.toFixed(1)}`)
      .join(', ');
    const gc = [...run.gc]
      .map(
        ([kind, [count, ms]]) =>
          `${kind} ${((count * 1000) / run.n).toFixed(2)}/1000 req, ${((ms * 1000) / run.n).toFixed(1)} µs/req paused`,
      )
      .join('; ');
    console.log(
      `  ${mode.padEnd(10)} round ${index + 1}  ${Math.round(run.rps).toString().padStart(6)} req/s   cpu/req ${f1(total)} µs: main ${f1(main.user)} user ${f1(main.system)} sys, other threads ${f1(sum(others, 'user') + sum(others, 'system'))} (user+sys each: ${busy || 'none'})`,
    );
    console.log(`  ${''.padEnd(10)}          gc: ${gc || 'none'}`);
  }
}
const totalOf = (run) => run.threads.reduce((sum, t) => sum + t.user + t.system, 0);
const noneRuns = results.get('none');
for (const [mode, runs] of results) {
  if (mode === 'none' || noneRuns === undefined) continue;
  const ratio = (100 * median(runs.map(totalOf))) / median(noneRuns.map(totalOf));
  console.log(`${mode}: cpu/req ${ratio.toFixed(1)}% of none's (medians)`);
}
