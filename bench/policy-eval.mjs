// Micro-benchmark of the policy engine: `node bench/policy-eval.mjs` after `npx tsc -b packages/policy`.
// Compares the compiled engine with a naive interpreter (linear scan over the raw rule objects,
// re-deriving globs, regexes and JSON on every evaluation) on the same generated 100-rule policy
// and the same actions. Fixed seed, so runs differ only by machine noise.

import { parse } from 'yaml';
import { canonicalJson } from '../packages/canonical/dist/index.js';
import { evaluate, loadPolicy } from '../packages/policy/dist/index.js';

const SEED = 20240601;
const RULES = 100;
const ACTIONS = 2_000;
const ITERATIONS = 200_000;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(SEED);
const pick = (list) => list[Math.floor(random() * list.length)];

const TOOLS = ['http', 'shell', 'stripe', 'github', 'db', 'email', 'files', 'slack', 'jira', 's3', 'k8s', 'crm'];
const OPS = ['get', 'post', 'run', 'refund', 'charge', 'read', 'write', 'delete', 'push', 'send', 'list'];
const EFFECTS = ['allow', 'deny', 'require_approval'];

function generatePolicy() {
  const lines = ['version: "bench"', 'rules:'];
  for (let i = 0; i < RULES - 1; i++) {
    const kind = random();
    const tool = random() < 0.85 ? pick(TOOLS) : `${pick(TOOLS).slice(0, 2)}*`;
    const match = [`tool: "${tool}"`];
    if (random() < 0.7) match.push(`op: "${random() < 0.8 ? pick(OPS) : `${pick(OPS).slice(0, 1)}*`}"`);
    if (kind < 0.2) match.push(`amount_gt: ${Math.floor(random() * 5000)}`);
    else if (kind < 0.3)
      match.push(`pattern: "${pick(['rm -rf|shutdown', 'DROP\\\\s+TABLE', 'curl .*[|] sh', 'password'])}"`);
    else if (kind < 0.4) match.push(`contains: "${pick(['prod', 'secret', 'admin', 'invoice'])}"`);
    else if (kind < 0.5) match.push(`path_starts_with: "${pick(['/etc', '/admin', '/api', '/tmp'])}"`);
    else if (kind < 0.55) match.push(`agent_id: "${pick(['ops-*', 'support-*', 'admin'])}"`);
    else if (kind < 0.6) match.push('field: "customer.tier"', `value: "${pick(['gold', 'free'])}"`);
    lines.push(`  - match: { ${match.join(', ')} }`, `    ${pick(EFFECTS)}: true`, `    description: "rule ${i}"`);
  }
  lines.push('  - match: { tool: "*" }', '    deny: true', '    description: default deny');
  lines.push('risk:', '  rules:');
  lines.push('    - { name: dangerous_shell, when: { tool: shell, pattern: "rm -rf" }, risk_level: high }');
  lines.push('    - { name: large_payments, when: { tool: stripe, amount_gt: 1000 }, risk_level: medium }');
  lines.push('    - { name: prod_db, when: { tool: db, contains: prod }, risk_level: high }');
  lines.push('    - { name: ops_agents, when: { agent_id: "ops-*" }, risk_level: medium }');
  return `${lines.join('\n')}\n`;
}

function generateAction() {
  const tool = random() < 0.95 ? pick(TOOLS) : 'unknown_tool';
  const params = {};
  if (random() < 0.5) params.amount = Math.floor(random() * 6000);
  if (tool === 'shell') params.cmd = pick(['ls -la', "r'm' -rf /tmp/x", 'cat /etc/hosts', 'npm test']);
  if (random() < 0.4) params.path = pick(['/etc/passwd', '/api/users', '/tmp/a', '/home/me']);
  if (random() < 0.3) params.customer = { tier: pick(['gold', 'free', 'pro']) };
  if (random() < 0.3) params.note = pick(['prod rollout', 'invoice 42', 'hello']);
  return { agent_id: pick(['ops-1', 'support-2', 'admin', 'bot']), tool, operation: pick(OPS), params, context: {} };
}

// ---- naive baseline: the raw YAML objects, interpreted from scratch on every call ----
const globTest = (glob, text) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(text);
function naiveMatches(match, action) {
  const params = action.params;
  for (const [key, expected] of Object.entries(match)) {
    const amount = typeof params.amount === 'number' ? params.amount : Number.NaN;
    const path = typeof params.path === 'string' ? params.path : null;
    let ok;
    switch (key) {
      case 'tool':
        ok = globTest(expected, action.tool);
        break;
      case 'op':
      case 'operation':
        ok = globTest(expected, action.operation);
        break;
      case 'agent_id':
        ok = globTest(expected, action.agent_id);
        break;
      case 'amount_gt':
        ok = amount > expected;
        break;
      case 'contains':
        ok = canonicalJson(params).includes(expected);
        break;
      case 'pattern':
        ok = new RegExp(expected).test(canonicalJson(params));
        break;
      case 'path_starts_with':
        ok = path?.startsWith(expected);
        break;
      case 'field':
        ok = canonicalJson(expected.split('.').reduce((v, k) => v?.[k], params) ?? null) === canonicalJson(match.value);
        break;
      case 'value':
        ok = true;
        break;
      default:
        ok = false;
    }
    if (!ok) return false;
  }
  return true;
}
function naiveEvaluate(raw, action) {
  const rule = raw.rules.find((r) => naiveMatches(r.match, action));
  const risk = raw.risk.rules.find((r) => naiveMatches(r.when, action));
  const decision = rule ? (rule.allow ? 'allow' : rule.deny ? 'deny' : 'require_approval') : 'deny';
  return risk?.risk_level === 'high' && decision === 'allow' ? 'require_approval' : decision;
}

function measure(label, evaluateOne, actions) {
  for (let i = 0; i < 20_000; i++) evaluateOne(actions[i % actions.length]); // warm-up (JIT)
  const samples = new Float64Array(ITERATIONS);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = process.hrtime.bigint();
    evaluateOne(actions[i % actions.length]);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  samples.sort();
  const result = {
    label,
    p50: samples[Math.floor(ITERATIONS * 0.5)],
    p99: samples[Math.floor(ITERATIONS * 0.99)],
    perSecond: ITERATIONS / totalSeconds,
  };
  console.log(
    `${label.padEnd(22)} p50 ${result.p50.toFixed(2).padStart(7)} µs   p99 ${result.p99.toFixed(2).padStart(7)} µs   ${Math.round(result.perSecond).toLocaleString('en-US').padStart(10)} decisions/s`,
  );
  return result;
}

const source = generatePolicy();
const loaded = loadPolicy(source, 'bench.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics, null, 2));
const raw = parse(source);
const actions = Array.from({ length: ACTIONS }, generateAction);

// The two must agree before their speed means anything.
// The baseline has no shell normalization, so it may only disagree on actions carrying a `cmd`.
let disagreements = 0;
for (const action of actions) {
  if (evaluate(loaded.policy, action).decision === naiveEvaluate(raw, action)) continue;
  if (action.params.cmd === undefined) throw new Error(`baseline disagrees on ${JSON.stringify(action)}`);
  disagreements += 1;
}
const mix = {};
for (const action of actions) {
  const d = evaluate(loaded.policy, action).decision;
  mix[d] = (mix[d] ?? 0) + 1;
}

console.log(
  `policy: ${RULES} rules, ${raw.risk.rules.length} risk rules; ${ACTIONS} actions (seed ${SEED}); ${ITERATIONS.toLocaleString('en-US')} timed evaluations each`,
);
console.log(
  `decision mix: ${JSON.stringify(mix)}; engine/baseline disagreements: ${disagreements} (all shell commands the baseline doesn't normalize)`,
);
const engine = measure('faramesh (compiled)', (a) => evaluate(loaded.policy, a), actions);
const naive = measure('baseline (naive scan)', (a) => naiveEvaluate(raw, a), actions);
console.log(
  `ratio: ${(naive.p50 / engine.p50).toFixed(1)}× faster at p50, ${(naive.p99 / engine.p99).toFixed(1)}× at p99, ${(engine.perSecond / naive.perSecond).toFixed(1)}× throughput`,
);
