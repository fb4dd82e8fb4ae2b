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
import { Worker } from 'node:worker_threads';
import { evaluate, loadPolicy } from '../packages/policy/dist/index.js';
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
