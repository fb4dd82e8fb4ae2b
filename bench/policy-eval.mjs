// Policy evaluation: the compiled Faramesh engine vs Cedar (`@cedar-policy/cedar-wasm`, policies
// preparsed once) on equivalent generated policy sets of 1, 10, 100 and 1,000 rules.
//
//   node bench/policy-eval.mjs [--smoke]        (after `npm run build`)
//
// Equivalence (bench/lib/policy-sets.mjs): Faramesh is first-match-wins, Cedar is "any permit and no
// forbid". Each generated rule names its own exact (tool, operation) pair, so at most one rule can
// match an action and both give the same decision; every run checks that they agree on every action
// before timing. Each rule adds a realistic condition: an agent glob, an amount bound, a regex
// alternation (`like "*a*" || like "*b*"` in Cedar, which has no regexes), a substring, a path prefix
// or a field equality. Cedar runs on a worker thread of this process (see lib/cedar-worker.mjs),
// one engine at a time, so they never compete for a core.
//
// Then the shell pack (policies/packs/shell-limits.yaml), whose conditions parse params.cmd with
// tree-sitter-bash: a decision whose command text was never seen (parse + analysis: a unique
// comment defeats the cache), the same text again (the analysis cache), and a long command line
// (~8 KB, 160 commands) both ways (cached ones first, so the cold runs' garbage doesn't land on them), and the widest line the analysis limits let through (16 KB of
// words); baseline: a decision of the same policy on an action without a
// command.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { evaluate, loadPolicy, withWindowUsage } from '../packages/policy/dist/index.js';
import { header } from './lib/machine.mjs';
import { generateActions, generateRules, mulberry32, toYaml } from './lib/policy-sets.mjs';
import { int, measure, num, ratio } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const SIZES = [1, 10, 100, 1000];
const SECONDS = smoke ? 0.05 : 1.5;
const SEED = 20240601;
const ACTIONS = 2000;

function cedar(size) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./lib/cedar-worker.mjs', import.meta.url), {
      workerData: { size, seed: SEED + size, seconds: SECONDS, count: ACTIONS },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

header('Policy evaluation: Faramesh (compiled) vs Cedar (cedar-wasm, preparsed)');
console.log(`~${SECONDS} s per engine and size; latency per decision in µs; seed ${SEED}`);
const results = [];
for (const size of SIZES) {
  const random = mulberry32(SEED + size);
  const rules = generateRules(size, random);
  const actions = generateActions(rules, ACTIONS, random);
  const loaded = loadPolicy(toYaml(rules), `bench-${size}.yaml`);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  const faramesh = measure((a) => evaluate(loaded.policy, a), actions, SECONDS);
  const theirs = await cedar(size);
  let allowed = 0;
  actions.forEach((action, i) => {
    const ours = evaluate(loaded.policy, action).decision === 'allow';
    if (ours !== (theirs.decisions[i] === 'allow')) throw new Error(`engines disagree on ${JSON.stringify(action)}`);
    if (ours) allowed += 1;
  });
  const c = theirs.stats;
  results.push({ size, faramesh, cedar: c });
  console.log(
    `${String(size).padStart(5)} rules  faramesh p50 ${num(faramesh.p50).padStart(6)} µs  p99 ${num(faramesh.p99).padStart(6)} µs  ${int(faramesh.perSecond).padStart(10)}/s` +
      `  |  cedar p50 ${num(c.p50).padStart(6)} µs  p99 ${num(c.p99).padStart(6)} µs  ${int(c.perSecond).padStart(8)}/s` +
      `  |  ${ratio(c.p50, faramesh.p50)} at p50, ${ratio(faramesh.perSecond, c.perSecond)} throughput  (agree on ${ACTIONS}/${ACTIONS}, ${allowed} allowed)`,
  );
}
const at100 = results.find((r) => r.size === 100);
console.log(
  `target (100 rules): p50 ≤ 2 µs → ${num(at100.faramesh.p50)} µs; ≥ 50× Cedar → ${ratio(at100.cedar.p50, at100.faramesh.p50)} at p50`,
);

header('Shell pack: decisions that parse params.cmd (tree-sitter-bash) vs the same policy without a command');
const shellPolicy = loadPolicy(
  readFileSync(new URL('../policies/packs/shell-limits.yaml', import.meta.url), 'utf8'),
  'shell-limits.yaml',
);
if (!shellPolicy.ok) throw new Error(JSON.stringify(shellPolicy.diagnostics));
const shellAction = (cmd) => ({ agent_id: 'bench', tool: 'shell', operation: 'run', params: { cmd }, context: {} });
const SHORT = 'ls -la /srv | grep -v node_modules && git log --oneline -n 5';
const LONG = Array.from(
  { length: 80 },
  (_, i) => `grep -rn --include='*.ts' "TODO: item ${i} of the backlog" src/components/dir${i}/ | head -n 3`,
).join(' && ');
// The most expensive line that still passes the analysis limits: 16 KB, ~2,000 words.
const WIDE = `echo${' abcdefg'.repeat(2040)}`;
let unique = 0;
const shellCases = [
  ['baseline: no command', () => evaluate(shellPolicy.policy, { ...shellAction(''), params: {} })],
  ['short, cached', () => evaluate(shellPolicy.policy, shellAction(SHORT))],
  [`long ${(LONG.length / 1024).toFixed(1)} KB, cached`, () => evaluate(shellPolicy.policy, shellAction(LONG))],
  ['short, cold (parse)', () => evaluate(shellPolicy.policy, shellAction(`${SHORT} # ${unique++}`))],
  [
    `long ${(LONG.length / 1024).toFixed(1)} KB, cold`,
    () => evaluate(shellPolicy.policy, shellAction(`${LONG} # ${unique++}`)),
  ],
  [
    `wide ${(WIDE.length / 1024).toFixed(1)} KB, cold`,
    () => evaluate(shellPolicy.policy, shellAction(`${WIDE}#${unique++}`)),
  ],
];
if (evaluate(shellPolicy.policy, shellAction(SHORT)).decision !== 'allow')
  throw new Error('the shell pack should allow the short command');
if (evaluate(shellPolicy.policy, shellAction(LONG)).decision !== 'allow')
  throw new Error('the shell pack should allow the long command');
const shellResults = new Map();
for (const [label, decide] of shellCases) {
  const stats = measure(decide, [null], SECONDS);
  shellResults.set(label, stats);
  console.log(
    `shell pack  ${label.padEnd(24)} p50 ${num(stats.p50).padStart(7)} µs  p99 ${num(stats.p99).padStart(7)} µs  ${int(stats.perSecond).padStart(9)}/s`,
  );
}
const cold = shellResults.get('short, cold (parse)');
console.log(`target: a shell decision with a never-seen command p50 ≤ 200 µs → ${num(cold.p50)} µs`);

header('Limits: a decision by a rule with a limit (bucket key, usage as data) vs the same rule without');
// A submission evaluates a limited rule without usage (which finds its bucket: canonical JSON of the
// rule and the call's `by` values, hashed), then decides the limit again inside the write
// transaction with the window's usage (withWindowUsage). Timed beside the same policy without
// `limit:` on the same actions, in the same run.
const RATE_RULE = `  - name: reads
    match: { tool: http, op: get }
    allow: true
    description: reads`;
const plainPolicy = loadPolicy(`rules:\n${RATE_RULE}\n`, 'plain.yaml');
const limitedPolicy = loadPolicy(
  `rules:\n${RATE_RULE}\n    limit: { count: 1000, per: 1h, by: [agent_id, params.host] }\n`,
  'limited.yaml',
);
if (!plainPolicy.ok || !limitedPolicy.ok) throw new Error('the limits benchmark policies should load');
const limitActions = Array.from({ length: ACTIONS }, (_, i) => ({
  agent_id: `agent-${i % 64}`,
  tool: 'http',
  operation: 'get',
  params: { host: `api${i % 8}.example.com`, path: `/items/${i}` },
  context: {},
}));
const usage = new Map(limitActions.map((a) => [evaluate(limitedPolicy.policy, a).limit.key, 10]));
const plain = measure((a) => evaluate(plainPolicy.policy, a), limitActions, SECONDS);
const limitedOnce = measure((a) => evaluate(limitedPolicy.policy, a, usage), limitActions, SECONDS);
const limitedSubmission = measure((a) => withWindowUsage(evaluate(limitedPolicy.policy, a), 10), limitActions, SECONDS);
for (const [label, stats] of [
  ['no limit', plain],
  ['limit, one decision', limitedOnce],
  ['limit, as a submission decides', limitedSubmission],
]) {
  console.log(
    `limits  ${label.padEnd(30)} p50 ${num(stats.p50).padStart(6)} µs  p99 ${num(stats.p99).padStart(6)} µs  ${int(stats.perSecond).padStart(10)}/s`,
  );
}
console.log(
  `limits  a submission's decision takes ${num(limitedSubmission.p50 - plain.p50)} µs more at p50 (the whole submission: submit-load's limits section)`,
);
