// Submit cost with this round's features configured together, side by side with none (issue 18:
// groups, quorum, grants, limits, outbox, redaction and a shadow policy must cost ≤ 10% of submit
// throughput together).
//
//   node bench/features-submit.mjs [--smoke] [--each] [--only a,b] [--approvals PCT] [--seconds N]
//     [--connections N] [--agents N] [--rounds N] [--cpu-prof DIR] [--before DIR] [--together]
//     (after `npm run build`)
//
// Servers on SQLite (WAL, synchronous=FULL), open mode, the same load: calls from 16 agents (`--agents`), each
// carrying an `api_key` param; by default 90% HTTP GETs the policy allows and 10% deploys it sends
// to approval (`--approvals PCT`). "none" runs a policy with the same rules and nothing else. The
// feature sets, measured alternately:
//   - quorum: groups and a 2-of-3 quorum rule (for refunds; the load doesn't hit it);
//   - limit: a rate limit on the allow rule the load hits (counted on every call, never reached);
//   - redact: `redact: [params.api_key]` (every call's key is digested before anything is stored);
//   - webhook: what a team routes to a webhook — the approvals: the approval rules say
//     `notify: [ops]` (one message per call that waits for approval) and the channel takes the
//     decisions (`approved`, `denied`, `expired`; nobody decides during the load);
//   - webhook-every: a webhook for every decision (`events: [decision_made]`): one outbound POST
//     per submission, the worst case;
//   - shadow: a candidate policy that changes one rule (deploys denied): it disagrees on the calls
//     that rule sees (the 10% sent to approval), one disagreement row each;
//   - shadow-every: a candidate that asks for approval of everything (it disagrees on every
//     allowed call), the worst case;
//   - standing grants are consulted for the calls the policy sends to approval (none is live here;
//     bench/limits-grants.mjs measures calls a grant covers).
// "all configured" = quorum, limit, redact, webhook, shadow (the representative figure, the one the
// ≤ 10% goal is for); "all, webhook on every decision" = the same with webhook-every and
// shadow-every instead (the worst case). Each server gets a 2 s warm-up load (its webhook messages
// delivered) before the measured one.
// Webhook deliveries go to a local receiver answering 200 at once, off the request path; the CPU
// is read once the outbox has delivered every message the load caused, so delivery counts.
// Rounds alternate between the sets so drift on a shared machine spreads over all. Printed: req/s,
// p99 and the server process's CPU time per request (user + system, from /proc), the steadier figure
// on a loaded machine, with the ratios of the medians.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { header } from './lib/machine.mjs';
import { cpuMicros, startFaramesh } from './lib/servers.mjs';
import { median } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = flag('--seconds', smoke ? 1 : 10);
const connections = flag('--connections', smoke ? 8 : 64);
const rounds = flag('--rounds', smoke ? 1 : 3);
const approvalPct = flag('--approvals', 10);
// A limit `by: [agent_id]` keeps a bucket per agent: more agents, more index pages per commit.
const agents = flag('--agents', 16);
const warmUpSeconds = smoke ? 0.5 : 2;
// `--before DIR`: every set is also run on the build in DIR (another checkout, built), alternately.
const beforeDir = process.argv.includes('--before') ? process.argv[process.argv.indexOf('--before') + 1] : null;
// `--together`: each set is loaded at the same time as none (or, with `--before`, as the same set
// on the other build), half the connections each, so both see the same host: on a shared machine
// whose speed drifts by 10–30% between runs a few seconds apart, the ratio of two servers measured
// side by side is what stays readable.
const together = process.argv.includes('--together');
// `--cpu-prof DIR` writes each server's V8 CPU profile under DIR/<case label>/.
const profDir = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : null;

// The representative candidate changes one rule (deploys denied instead of sent to approval): it
// disagrees on the calls that rule sees, 10% of the load. The worst case asks for approval of
// everything, so it disagrees on every allowed call.
const SHADOW = `rules:
  - match: { tool: http, op: get }
    allow: true
    description: Allow HTTP GET requests
  - match: { tool: stripe, op: refund }
    require_approval: true
    description: Refunds need approval
  - match: { tool: deploy }
    deny: true
    description: The candidate stops deploys
  - match: { tool: "*" }
    deny: true
    description: Default deny
`;
const SHADOW_EVERY = `rules:
  - match: { tool: "*" }
    require_approval: true
    description: The candidate asks for everything
`;

/** The policy with the given features of this round configured (the rules are the same). */
function policyWith(features) {
  const top = [];
  if (features.has('quorum')) top.push('groups:\n  finance: [alice, bob, carol]');
  if (features.has('redact')) top.push('redact: [params.api_key]');
  const limit = features.has('limit') ? '\n    limit: { count: 1000000000, per: 1h, by: [agent_id] }' : '';
  const quorum = features.has('quorum') ? '\n    approvers: [finance]\n    approvals: 2' : '';
  // The approvals are what a team routes to its webhook (a message when one starts to wait).
  const notify = features.has('webhook') ? '\n    notify: [ops]' : '';
  return `${top.join('\n')}
rules:
  - name: reads
    match: { tool: http, op: get }
    allow: true
    description: Allow HTTP GET requests${limit}
  - name: refunds
    match: { tool: stripe, op: refund }
    require_approval: true
    description: Refunds need approval${quorum}${notify}
  - name: deploys
    match: { tool: deploy }
    require_approval: true
    description: Deploys need approval${notify}
  - match: { tool: "*" }
    deny: true
    description: Default deny
`;
}

/** Loads `url`; the result also counts the calls it sent to approval (each one routed message). */
async function load(url, duration = seconds, conns = connections) {
  let i = 0;
  let approvals = 0;
  const result = await autocannon({
    url: `${url}/v1/actions`,
    method: 'POST',
    connections: conns,
    duration,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          i += 1;
          const approval = (i * approvalPct) % 100 < approvalPct;
          if (approval) approvals += 1;
          const body = {
            agent_id: `bench-${i % agents}`,
            tool: approval ? 'deploy' : 'http',
            operation: approval ? 'run' : 'get',
            params: approval
              ? { service: `svc-${i % 7}`, version: `1.${i}`, api_key: `sk_live_${i % 97}` }
              : { url: `https://api.example.com/items/${i}`, api_key: `sk_live_${i % 97}` },
          };
          return { ...req, body: JSON.stringify(body) };
        },
      },
    ],
  });
  return Object.assign(result, { approvals });
}

const receiver = createServer((req, res) => {
  delivered += 1;
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
let delivered = 0;

/** Waits until `target` deliveries were received, or none arrived for 3 s; the time it took (ms). */
async function drain(target) {
  const started = performance.now();
  let last = delivered;
  let quietSince = started;
  while (delivered < target && performance.now() - quietSince < 3000) {
    await new Promise((done) => setTimeout(done, 20));
    if (delivered !== last) {
      last = delivered;
      quietSince = performance.now();
    }
  }
  return performance.now() - started;
}
await new Promise((done) => receiver.listen(0, '127.0.0.1', done));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-features-'));
const file = (name, text) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const channels = (events) => ({
  FARAMESH_CHANNELS_FILE: file(
    `channels-${events.length}.yaml`,
    `webhooks:\n  ops:\n    url: ${receiverUrl}\n    events: [${events.join(', ')}]\n    secret_env: BENCH_WEBHOOK_SECRET\n`,
  ),
  BENCH_WEBHOOK_SECRET: secret,
});
const ENV = {
  redact: { FARAMESH_REDACTION_KEY: 'bench-redaction-key-0123456789abcdef' },
  shadow: { FARAMESH_SHADOW_POLICY: file('shadow.yaml', SHADOW) },
  'shadow-every': { FARAMESH_SHADOW_POLICY: file('shadow-every.yaml', SHADOW_EVERY) },
  webhook: channels(['approved', 'denied', 'expired']),
  'webhook-every': channels(['decision_made']),
};
const ALL = ['quorum', 'limit', 'redact', 'webhook', 'shadow'];
const WORST = ['quorum', 'limit', 'redact', 'webhook-every', 'shadow-every'];
// `--each` also measures every feature alone, to see which one costs what.
// `--only a,b` measures none and those features alone (e.g. `--only webhook`); `a+b` configures
// several together (e.g. `--only redact+webhook,all` to find what two cost together; `all` is ALL).
const only = process.argv.indexOf('--only');
const sets =
  only > 0
    ? [[], ...process.argv[only + 1].split(',').map((f) => (f === 'all' ? ALL : f.split('+')))]
    : process.argv.includes('--each')
      ? [[], ...ALL.map((f) => [f]), ['webhook-every'], ['shadow-every'], ALL, WORST]
      : [[], ALL, WORST];
const labelOf = (features) =>
  features.length === 0
    ? 'none'
    : features === ALL
      ? 'all configured'
      : features === WORST
        ? 'all, worst case (every decision)'
        : features.join('+');
const builds = beforeDir === null ? [null] : [beforeDir, null];
const CASES = sets.flatMap((features, index) => {
  const set = new Set(features);
  return builds.map((from) => ({
    label: `${from === null ? '' : 'before: '}${labelOf(features)}`,
    from,
    policy: file(`policy-${index}.yaml`, policyWith(set)),
    env: Object.assign({}, ...features.map((f) => ENV[f] ?? {})),
    // Messages the load causes: one per approval (routed), or one per submission (every decision).
    messages: set.has('webhook-every') ? 'every' : set.has('webhook') ? 'approvals' : null,
  }));
});

header(
  `Submit with every feature of this round configured vs none: POST /v1/actions (${approvalPct}% sent to approval), ${connections} connections, ${seconds} s × ${rounds} alternating rounds`,
);
const results = CASES.map(() => ({ rps: [], p99: [], cpu: [], errors: 0, submitted: 0, delivered: 0, drainMs: [] }));
/** Messages the loads of `indexes` caused: one per submission routing every decision, one per call sent to approval routing approvals. */
function messagesCaused(indexes, loads) {
  let caused = 0;
  for (const [k, index] of indexes.entries()) {
    const { messages } = CASES[index];
    caused += messages === 'every' ? loads[k]['2xx'] : messages === 'approvals' ? loads[k].approvals : 0;
  }
  return caused;
}

/**
 * Runs the cases at `indexes` at the same time (one alone, or a set's two builds with --together):
 * each on a fresh server, warmed up, then loaded with `connections` shared among them; the CPU is
 * read once the outbox delivered every message the loads caused.
 */
async function measure(round, indexes) {
  const conns = Math.max(1, Math.round(connections / indexes.length));
  const servers = await Promise.all(
    indexes.map((index) =>
      startFaramesh({
        db: join(dir, `round-${round}-${index}.db`),
        policy: CASES[index].policy,
        env: CASES[index].env,
        ...(CASES[index].from !== null && { from: CASES[index].from }),
        nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}/${CASES[index].label.replace(/\W+/g, '-')}`] : [],
      }),
    ),
  );
  const anyMessages = indexes.some((index) => CASES[index].messages !== null);
  // Warm-up (JIT, page cache, the first rows of every bucket), its webhook messages delivered
  // before the measured load starts: the figure is a running server's, not a cold start's.
  const warmDelivered = delivered;
  const warm = await Promise.all(servers.map((server) => load(server.url, warmUpSeconds, conns)));
  if (anyMessages) await drain(warmDelivered + messagesCaused(indexes, warm));
  const before = servers.map((server) => cpuMicros(server.child.pid));
  const deliveredBefore = delivered;
  const loads = await Promise.all(servers.map((server) => load(server.url, seconds, conns)));
  // The webhook's work (delivery) is part of each submission's cost: wait until the outbox has
  // delivered every message the loads caused (or stopped making progress) before reading the CPU.
  const caused = messagesCaused(indexes, loads);
  const drained = anyMessages ? await drain(deliveredBefore + caused) : 0;
  const after = servers.map((server) => cpuMicros(server.child.pid));
  await Promise.all(servers.map((server) => server.stop()));
  const sending = indexes.filter((index) => CASES[index].messages !== null).length;
  const cpus = indexes.map((_, k) =>
    before[k] === null || after[k] === null ? null : (after[k] - before[k]) / Math.max(1, loads[k].requests.total),
  );
  for (const [k, index] of indexes.entries()) {
    const r = loads[k];
    const result = results[index];
    result.drainMs.push(drained);
    result.submitted += r.requests.total;
    // Shared by the cases that send messages (with --before --together, a set's two builds).
    if (CASES[index].messages !== null) result.delivered += (delivered - deliveredBefore) / sending;
    if (cpus[k] !== null) result.cpu.push(cpus[k]);
    result.rps.push(r.requests.average);
    result.p99.push(r.latency.p99);
    result.errors += r.non2xx + r.errors + r.timeouts;
  }
  return cpus;
}

/** With --together on one build: each set's CPU per request against none's measured beside it, per round (%). */
const alongside = CASES.map(() => []);

try {
  for (let round = 0; round < rounds; round++) {
    if (together && beforeDir === null) {
      // CASES[0] is none: every other set is loaded beside it.
      for (let index = 1; index < CASES.length; index++) {
        const [none, set] = await measure(round, [0, index]);
        if (none !== null && set !== null) alongside[index].push((100 * set) / none);
      }
    } else if (together) {
      // CASES holds each set's builds side by side (before, then this build).
      for (let index = 0; index < CASES.length; index += builds.length) {
        await measure(
          round,
          builds.map((_, k) => index + k),
        );
      }
    } else {
      for (const index of CASES.keys()) await measure(round, [index]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  receiver.closeAllConnections();
  receiver.close();
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
for (const [index, c] of CASES.entries()) {
  const r = results[index];
  if (r.delivered > 0) {
    console.log(
      `  ${c.label}: ${int(r.delivered)} webhook deliveries received for ${r.submitted} submissions; the outbox drained ${r.drainMs.map(int).join(', ')} ms after the load (cpu/req counts it)`,
    );
  }
}
for (const [index, c] of CASES.entries()) {
  // Compared with none on the same build.
  const noneAt = CASES.findIndex((other) => other.from === c.from);
  if (index === noneAt) continue;
  const none = results[noneAt];
  const r = results[index];
  const rps = ((100 * median(r.rps)) / median(none.rps)).toFixed(1);
  const cpu =
    none.cpu.length === 0 || r.cpu.length === 0
      ? ''
      : `; cpu/req ${((100 * median(r.cpu)) / median(none.cpu)).toFixed(1)}% of none`;
  const goal = c.label === 'all configured' ? ' (goal: ≥ 90% throughput, ≤ 110% cpu/req)' : '';
  console.log(
    `${c.label === 'all configured' ? 'target ' : ''}${c.label}: ${rps}% of the throughput with none${cpu}${goal}`,
  );
}
for (const [index, ratios] of alongside.entries()) {
  if (ratios.length === 0) continue;
  const goal = CASES[index].label === 'all configured' ? ' (goal: ≤ 110%)' : '';
  console.log(
    `${CASES[index].label}: cpu/req ${median(ratios).toFixed(1)}% of none loaded beside it (rounds ${ratios.map((r) => r.toFixed(0)).join(', ')})${goal}`,
  );
}
if (together && beforeDir !== null) {
  // Each round's two builds ran at the same time: their ratio is free of the host's drift.
  for (let index = 0; index < CASES.length; index += builds.length) {
    const [was, now] = [results[index], results[index + 1]];
    const ratios = now.cpu.map((cpu, round) => (100 * cpu) / was.cpu[round]);
    console.log(
      `${labelOf(sets[index / builds.length])}: cpu/req after/before ${median(ratios).toFixed(1)}% (rounds ${ratios.map((r) => r.toFixed(0)).join(', ')})`,
    );
  }
}
