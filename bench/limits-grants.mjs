// What rate/budget limits and standing grants cost, same run, against the same calls without them:
//
//   node bench/limits-grants.mjs [--smoke] [--seconds N] [--rounds N] [--before DIR] [--together]
//                                [--today DIR] [--eval-only]
//     (after `npm run build`)
//
// 1. Evaluation (in process): a decision of an allow rule (baseline); the same rule with a `limit:`
//    as a submission decides it (evaluate, then withWindowUsage with the window's usage); a
//    require_approval rule's decision plus the coverage check of a live grant (grantCovers); both.
//    Each case times 500,000 decisions in a tight loop (a clock read per call would cost more than
//    a bare decision), the cases alternating for 7 rounds; calls come through JSON, as a server's do.
// 2. POST /v1/actions on SQLite FULL, one server per scenario, 64 connections, in alternating rounds
//    (each round runs every scenario once, in a rotated order): req/s and the server's CPU per
//    request (user + system, /proc). Every call of every scenario ends `allowed`:
//      baseline  http get, allowed by its rule, from 1,024 agents
//      limit     the same rule with `limit: { count: 1000000, per: 1h, by: [agent_id] }` over
//                1,024 agents = 1,024 buckets, never reached (each call's usage is read and recorded
//                in the write; each bucket's newest usage is a different index page)
//      baseline/limit (64 agents)  the same two from 64 agents (the main submit benchmark's count):
//                64 buckets, whose newest usage pages stay few and hot
//      grant     http post, which the rule sends to approval, allowed by a live standing grant
//                (agent_pattern bench-*, url_host api.example.com; no max_uses), its use counted
//      both      the limited server with the grant, calls alternating get (limit) / post (grant)
//    and for reference, not a target: the same http post with no grant (it waits for approval).
//    --before DIR runs every scenario on DIR's build too (another checkout, built), in the same
//    alternating rounds, and prints each build's ratios to its own baseline and after/before.
//    --together loads each scenario at the same time as its baseline (32 connections each), so
//    both see the same moments of a shared host, and prints the ratio of every such round.
//    --today DIR (implies --together): DIR is "today's" build, the checkout before limits and grants
//    existed (09c8568). Each scenario of this build is loaded beside today's build answering the
//    same calls with the plain policy, and the evaluation cases run on today's engine too (its
//    plain decision is the baseline of every ratio).
// 1b. Evaluation on the shipped policy (policies/default.yaml), in alternating rounds: http get
//    with and without a limit on its rule, shell run (sent to approval) without a grant and covered
//    by one, and a mix; ratios to "today", the same calls on the policy without limit or grant.
// Figures are the medians of the rounds; ratios are to the baseline of the same rounds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import {
  evaluate,
  grantCovers,
  loadPolicy,
  validateGrantScope,
  withWindowUsage,
} from '../packages/policy/dist/index.js';
import { header } from './lib/machine.mjs';
import { cpuMicros, startFaramesh } from './lib/servers.mjs';
import { int, median, nsPerCall, num } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = flag('--seconds', smoke ? 0.5 : 5);
const rounds = flag('--rounds', smoke ? 1 : 3);
const beforeAt = process.argv.indexOf('--before');
const before = beforeAt > 0 ? process.argv[beforeAt + 1] : null;
const todayAt = process.argv.indexOf('--today');
const today = todayAt > 0 ? process.argv[todayAt + 1] : null;
if (today !== null && before !== null) throw new Error('--today and --before compare with different builds: give one');
const together = process.argv.includes('--together') || today !== null;
// Decisions per case and round, and rounds (alternating): ~0.1-0.5 s per case and round here.
const EVAL_CALLS = smoke ? 20_000 : 500_000;
const EVAL_ROUNDS = smoke ? 1 : 7;
// Today's engine (--today): its plain decisions are the baseline of the evaluation ratios.
const todayEngine =
  today === null ? null : await import(pathToFileURL(join(resolve(today), 'packages/policy/dist/index.js')).href);
const engineToday = todayEngine ?? { evaluate, loadPolicy };

const RULES = `rules:
  - name: reads
    match: { tool: http, op: get }
    allow: true
    description: reads
  - name: writes
    match: { tool: http, op: post }
    require_approval: true
    description: writes need approval
`;
const LIMIT = '    limit: { count: 1000000, per: 1h, by: [agent_id] }\n';
const LIMITED = RULES.replace('    description: reads\n', `    description: reads\n${LIMIT}`);
if (LIMITED === RULES) throw new Error('could not add the limit');
const SCOPE = {
  tool: 'http',
  operation: 'post',
  agent_pattern: 'bench-*',
  params: { url: { url_host: 'api.example.com' } },
};

const call = (i, operation, agents = 1024) => ({
  agent_id: `bench-${i % agents}`,
  tool: 'http',
  operation,
  params: { url: `https://api.example.com/items/${i}` },
});
const get = (i) => call(i, 'get');
const post = (i) => call(i, 'post');
const mixed = (i) => call(i, i % 2 === 0 ? 'get' : 'post');
const get64 = (i) => call(i, 'get', 64);

// ---------------------------------------------------------------------------------------------
header('Limits and grants: evaluation cost per decision (same run)');
const plainPolicy = loadPolicy(RULES, 'plain.yaml');
const limitedPolicy = loadPolicy(LIMITED, 'limited.yaml');
const scope = validateGrantScope(SCOPE);
if (!plainPolicy.ok || !limitedPolicy.ok || !scope.ok) throw new Error('the benchmark policies and scope should load');
const terms = {
  scope: scope.scope,
  high_risk: false,
  creators: [{ name: 'bench', groups: [], may_grant_high_risk: false }],
};
// Through JSON, as a server gets them: flat strings (a template literal's result is a rope, which
// char-by-char reads such as a URL's host cost several times more).
const inputs = (of) => JSON.parse(JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ ...of(i), context: {} }))));
/**
 * Median ns per decision of each case over alternating rounds (every case once per round, in turn),
 * after a round that only warms them up (the JIT).
 */
function alternating(cases, rounds) {
  const runs = cases.map(() => []);
  for (let round = -1; round < rounds; round++) {
    cases.forEach(({ decide, actions }, i) => {
      const ns = nsPerCall(decide, actions, EVAL_CALLS);
      if (round >= 0) runs[i].push(ns);
    });
  }
  return runs.map((r) => ({ ns: median(r), rounds: r }));
}
/**
 * Runs the cases in alternating rounds and prints each one's figures against its `base` case (the
 * same calls without limit or grant): the ratio of the medians, and per round of that round's pair.
 */
function printAlternating(cases) {
  const runs = alternating(cases, EVAL_ROUNDS);
  cases.forEach(({ label, base: b }, i) => {
    const run = runs[i];
    const base = runs[b];
    const perRound = run.rounds.map((ns, r) => (((base.rounds[r] ?? ns) / ns) * 100).toFixed(0)).join(', ');
    console.log(
      `eval  ${label.padEnd(34)} ${num(run.ns).padStart(6)} ns/decision  ${int(1e9 / run.ns).padStart(10)}/s` +
        (b === i ? '' : `   ${((base.ns / run.ns) * 100).toFixed(1)}% of ${cases[b].label}'s (rounds ${perRound})`),
    );
  });
}
const covered = (policy, action) => {
  const verdict = evaluate(policy, action);
  const coverage = grantCovers(terms, { action, verdict, submitter: null, submitter_may_decide: false }, 0);
  if (!coverage.covered) throw new Error(`the grant should cover ${JSON.stringify(action)}`);
  return coverage;
};
const decideLimited = (action) => {
  const verdict = evaluate(limitedPolicy.policy, action);
  return verdict.limit === null ? covered(limitedPolicy.policy, action) : withWindowUsage(verdict, 10);
};
const todayPlain = engineToday.loadPolicy(RULES, 'plain.yaml');
if (!todayPlain.ok) throw new Error("today's engine should load the plain policy");
// The baselines: the same calls decided without limit or grant (on today's engine with --today),
// an allowed get, a post sent to approval (what a grant stands in for), and the two alternating.
const baseTag = today === null ? '' : "today's ";
const plainDecide = (a) => engineToday.evaluate(todayPlain.policy, a);
const evalCases = [
  { label: `${baseTag}allow rule`, decide: plainDecide, actions: inputs(get), base: 0 },
  { label: `${baseTag}approval rule`, decide: plainDecide, actions: inputs(post), base: 1 },
  { label: `${baseTag}allow/approval alternating`, decide: plainDecide, actions: inputs(mixed), base: 2 },
  ...(today === null
    ? []
    : [
        { label: 'allow rule', decide: (a) => evaluate(plainPolicy.policy, a), actions: inputs(get), base: 0 },
        { label: 'approval rule', decide: (a) => evaluate(plainPolicy.policy, a), actions: inputs(post), base: 1 },
      ]),
  {
    label: 'limit (as a submission)',
    decide: (a) => withWindowUsage(evaluate(limitedPolicy.policy, a), 10),
    actions: inputs(get),
    base: 0,
  },
  {
    label: 'grant (decision + coverage)',
    decide: (a) => covered(plainPolicy.policy, a),
    actions: inputs(post),
    base: 1,
  },
  { label: 'both (alternating)', decide: decideLimited, actions: inputs(mixed), base: 2 },
];
printAlternating(evalCases);

// ---------------------------------------------------------------------------------------------
// The same on the shipped policy (policies/default.yaml: http get allowed, shell sent to approval,
// risk rules that parse the command line), where a decision costs what it costs in production: the
// limit goes on the http get rule, and a live grant covers one shell command for every bench agent.
header('Limits and grants: evaluation on the shipped policy (policies/default.yaml, same run)');
const SHIPPED = readFileSync(new URL('../policies/default.yaml', import.meta.url), 'utf8');
const GET_RULE = '    description: "Allow HTTP GET requests"\n';
const SHIPPED_LIMITED = SHIPPED.replace(GET_RULE, `${GET_RULE}${LIMIT}`);
if (SHIPPED_LIMITED === SHIPPED) throw new Error('could not add the limit to the shipped policy');
const shippedPlain = engineToday.loadPolicy(SHIPPED, 'default.yaml');
const shippedLimited = loadPolicy(SHIPPED_LIMITED, 'default-limited.yaml');
const shellScope = validateGrantScope({
  tool: 'shell',
  operation: 'run',
  agent_pattern: 'bench-*',
  params: { cmd: { command: 'ls -la /tmp' } },
});
if (!shippedPlain.ok || !shippedLimited.ok || !shellScope.ok)
  throw new Error('the shipped policy and scope should load');
const shellTerms = { ...terms, scope: shellScope.scope };
const shell = (i) => ({
  agent_id: `bench-${i % 1024}`,
  tool: 'shell',
  operation: 'run',
  params: { cmd: 'ls -la /tmp' },
});
const shippedMixed = (i) => (i % 2 === 0 ? get(i) : shell(i));
// Today: the policy's decision alone (the shell call then waits for a human), on today's engine
// with --today.
const decideToday = (action) => engineToday.evaluate(shippedPlain.policy, action);
// With limits and grants: the limited rule decided again with its usage; a call sent to approval
// checked against the live grant, which covers it.
const decideWith = (action) => {
  const verdict = evaluate(shippedLimited.policy, action);
  if (verdict.limit !== null) return withWindowUsage(verdict, 10);
  const coverage = grantCovers(shellTerms, { action, verdict, submitter: null, submitter_may_decide: false }, 0);
  if (!coverage.covered) throw new Error(`the grant should cover ${JSON.stringify(action)}: ${coverage.why}`);
  return coverage;
};
// Alternating rounds (today, with, today, with …), medians: the pairs share the machine's moments.
printAlternating([
  { label: 'http get, today', decide: decideToday, actions: inputs(get), base: 0 },
  { label: 'http get, limited', decide: decideWith, actions: inputs(get), base: 0 },
  { label: 'shell run, today (approval)', decide: decideToday, actions: inputs(shell), base: 2 },
  { label: 'shell run, granted', decide: decideWith, actions: inputs(shell), base: 2 },
  { label: 'mixed, today', decide: decideToday, actions: inputs(shippedMixed), base: 4 },
  { label: 'mixed, limited + granted', decide: decideWith, actions: inputs(shippedMixed), base: 4 },
]);

// ---------------------------------------------------------------------------------------------
// --eval-only: the in-process sections alone (nothing below has started a server yet).
if (process.argv.includes('--eval-only')) process.exit(0);
header(
  together
    ? `Limits and grants: POST /v1/actions, SQLite FULL, each scenario beside ${today === null ? 'its baseline' : "today's build (09c8568-era, plain policy)"} (32 + 32 connections)`
    : 'Limits and grants: POST /v1/actions, SQLite FULL, 64 connections, alternating rounds',
);
const pct = (ratio) => `${(ratio * 100).toFixed(1)}%`;
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-limits-grants-'));
writeFileSync(join(dir, 'plain.yaml'), RULES);
writeFileSync(join(dir, 'limited.yaml'), LIMITED);

async function submit(server, body) {
  const res = await fetch(`${server.url}/v1/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** Submits a post, approves it with a standing grant for every bench agent's posts to the host. */
async function grantOn(server) {
  const pending = await submit(server, post(0));
  if (pending.status !== 'pending_approval') throw new Error(`expected an approval: ${JSON.stringify(pending)}`);
  const res = await fetch(`${server.url}/v1/actions/${pending.id}/approval`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: pending.approval_token, approve: true, grant: { scope: SCOPE, ttl: '1h' } }),
  });
  if (res.status !== 200) throw new Error(`granting failed: ${res.status} ${await res.text()}`);
}

async function load(server, bodyOf, connections = 64) {
  let i = 0;
  const before = cpuMicros(server.child.pid);
  const result = await autocannon({
    url: `${server.url}/v1/actions`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          i += 1;
          return { ...req, body: JSON.stringify(bodyOf(i)) };
        },
      },
    ],
  });
  const n = Math.max(1, result.requests.total);
  const cpu = before === null ? null : (cpuMicros(server.child.pid) - before) / n;
  return { rps: result.requests.total / seconds, cpu, failed: result.non2xx + result.errors + result.timeouts };
}

// Today's build runs only the plain policy (it knows neither limits nor grants).
const builds =
  today !== null
    ? [
        { tag: "today's ", from: today, only: ['baseline', 'baseline (64 agents)'] },
        { tag: '', from: undefined },
      ]
    : before === null
      ? [{ tag: '', from: undefined }]
      : [
          { tag: 'before ', from: before },
          { tag: '', from: undefined },
        ];
const kinds = [
  { name: 'baseline', policy: 'plain.yaml', grant: false, body: get, expect: 'rule_allow' },
  { name: 'limit', policy: 'limited.yaml', grant: false, body: get, expect: 'rule_allow' },
  { name: 'baseline (64 agents)', policy: 'plain.yaml', grant: false, body: get64, expect: 'rule_allow', base: 2 },
  { name: 'limit (64 buckets)', policy: 'limited.yaml', grant: false, body: get64, expect: 'rule_allow', base: 2 },
  { name: 'grant', policy: 'plain.yaml', grant: true, body: post, expect: 'grant' },
  { name: 'both', policy: 'limited.yaml', grant: true, body: mixed, expect: null },
  {
    name: 'approval, no grant (reference)',
    policy: 'plain.yaml',
    grant: false,
    body: post,
    expect: 'rule_require_approval',
  },
];
// Every kind on every build (today's: its baselines); `base` is the index in `scenarios` of the
// baseline its ratios use: its own build's, or with --today today's baseline for the same agents.
const scenarios = builds.flatMap(({ tag, from, only }, b) =>
  kinds
    .filter((kind) => only === undefined || only.includes(kind.name))
    .map((kind) => Object.assign({}, kind, { name: `${tag}${kind.name}`, from, build: b, kindBase: kind.base ?? 0 })),
);
for (const s of scenarios) {
  const baseName = kinds[s.kindBase].name;
  const baseBuild = today !== null ? 0 : s.build;
  s.base = scenarios.findIndex((x) => x.build === baseBuild && x.name === `${builds[baseBuild].tag}${baseName}`);
}
const servers = [];
try {
  for (const s of scenarios) {
    const server = await startFaramesh({
      db: join(dir, `${servers.length}.db`),
      policy: join(dir, s.policy),
      ...(s.from !== undefined && { from: s.from }),
    });
    servers.push(server);
    if (s.grant) await grantOn(server);
    const probe = await submit(server, s.body(1));
    if (s.expect !== null && probe.reason_code !== s.expect)
      throw new Error(`${s.name}: expected ${s.expect}, got ${JSON.stringify(probe)}`);
    if (s.policy === 'limited.yaml' && probe.status !== 'allowed') throw new Error('the limit should not be reached');
    await load(server, s.body); // warm-up: JIT, page cache, the first rows of every bucket
  }
  // Medians of the rounds: on a shared machine one round of a scenario can land on a burst of
  // other load, and a mean would carry it into the ratio.
  const runs = scenarios.map(() => []);
  // With --together: each scenario's rounds beside its baseline, as ratios (cpu and req/s).
  const pairs = scenarios.map(() => []);
  const baseOf = (i) => scenarios[i].base;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < scenarios.length; k++) {
      const index = (k + round) % scenarios.length;
      const name = scenarios[index].name.padEnd(38);
      if (!together) {
        const r = await load(servers[index], scenarios[index].body);
        runs[index].push(r);
        console.log(
          `  round ${round + 1}  ${name} ${int(r.rps).padStart(6)} req/s   cpu/req ${int(r.cpu ?? 0).padStart(4)} µs   failed ${r.failed}`,
        );
        continue;
      }
      const base = baseOf(index);
      if (base === index) continue;
      const [r, b] = await Promise.all([
        load(servers[index], scenarios[index].body, 32),
        load(servers[base], scenarios[base].body, 32),
      ]);
      pairs[index].push({ cpu: r.cpu / b.cpu, rps: r.rps / b.rps, failed: r.failed + b.failed });
      console.log(
        `  round ${round + 1}  ${name} beside ${scenarios[base].name}: cpu/req ${int(r.cpu ?? 0)} against ${int(b.cpu ?? 0)} µs (${pct(r.cpu / b.cpu)}), req/s ${pct(r.rps / b.rps)}   failed ${r.failed + b.failed}`,
      );
    }
  }
  if (together) {
    console.log(
      `median of ${rounds} round(s) of ${seconds} s, each scenario loaded beside ${today === null ? 'its baseline' : "today's build"} (32 + 32 connections):`,
    );
    scenarios.forEach((s, i) => {
      if (pairs[i].length === 0) return;
      const cpus = pairs[i].map((x) => x.cpu);
      console.log(
        `submit  ${s.name.padEnd(38)} cpu/req ${pct(median(cpus))} of ${scenarios[baseOf(i)].name}'s (rounds ${cpus.map((x) => (x * 100).toFixed(0)).join(', ')}), req/s ${pct(median(pairs[i].map((x) => x.rps)))}   failed ${pairs[i].reduce((n, x) => n + x.failed, 0)}`,
      );
    });
  } else {
    const rows = runs.map((r) => ({
      rps: median(r.map((x) => x.rps)),
      cpu: median(r.map((x) => x.cpu ?? 0)),
      failed: r.reduce((n, x) => n + x.failed, 0),
    }));
    console.log(
      `median of ${rounds} round(s) of ${seconds} s per scenario (ratios to the same build's baseline with the same agents):`,
    );
    scenarios.forEach((s, i) => {
      const r = rows[i];
      const base = rows[baseOf(i)];
      // With --before: this build's CPU per request against the before build's, same scenario.
      const vs =
        before !== null && i >= kinds.length
          ? `   after/before cpu ${((r.cpu / rows[i - kinds.length].cpu) * 100).toFixed(1)}%`
          : '';
      console.log(
        `submit  ${s.name.padEnd(38)} ${int(r.rps).padStart(6)} req/s (${((r.rps / base.rps) * 100).toFixed(1)}%)   cpu/req ${int(r.cpu).padStart(4)} µs (${((r.cpu / base.cpu) * 100).toFixed(1)}%)   failed ${r.failed}${vs}`,
      );
    });
  }
} finally {
  for (const server of servers) await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
