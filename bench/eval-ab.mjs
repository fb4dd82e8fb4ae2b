// (not in the suite) Policy evaluation, two builds of the engine in one process, alternating: ns per
// decision on policies that use neither limits nor grants, so that what a feature costs those who
// don't configure it is measured, not guessed.
//
//   node bench/eval-ab.mjs --before DIR [--rounds N]   (after `npm run build`; DIR another checkout, built)
//
// Cases: generated policies of 10 and 100 rules (bench/lib/policy-sets.mjs, the policy-eval
// benchmark's), and the shipped policies/default.yaml with http gets (allowed) and shell commands
// (its shell rules). Both builds load the same text; their decisions are checked equal on 200 calls.
// Each round times 400,000 decisions per build, in alternating order; medians of the rounds.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as after from '../packages/policy/dist/index.js';
import { header } from './lib/machine.mjs';
import { generateActions, generateRules, mulberry32, toYaml } from './lib/policy-sets.mjs';
import { median } from './lib/stats.mjs';

const at = process.argv.indexOf('--before');
if (at < 0) throw new Error('usage: node bench/eval-ab.mjs --before DIR [--rounds N]');
const rounds = process.argv.includes('--rounds') ? Number(process.argv[process.argv.indexOf('--rounds') + 1]) : 7;
const before = await import(pathToFileURL(join(resolve(process.argv[at + 1]), 'packages/policy/dist/index.js')).href);

const shipped = readFileSync(new URL('../policies/default.yaml', import.meta.url), 'utf8');
const call = (i, tool, operation, params) => ({ agent_id: `agent-${i % 16}`, tool, operation, params, context: {} });
const cases = [10, 100].map((size) => {
  const random = mulberry32(20240601 + size);
  const rules = generateRules(size, random);
  return { name: `${size} generated rules`, yaml: toYaml(rules), actions: generateActions(rules, 2000, random) };
});
cases.push(
  {
    name: 'shipped, http get',
    yaml: shipped,
    actions: Array.from({ length: 2000 }, (_, i) => call(i, 'http', 'get', { url: `https://api.example.com/x/${i}` })),
  },
  {
    name: 'shipped, shell run',
    yaml: shipped,
    actions: Array.from({ length: 2000 }, (_, i) => call(i, 'shell', 'run', { cmd: `ls -la /tmp/${i % 50}` })),
  },
);

/** ns per decision over 400,000 decisions. */
function nsPerDecision(engine, policy, actions) {
  const n = 400_000;
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += engine.evaluate(policy, actions[i % actions.length]).decision.length;
  if (sink === 0) throw new Error('no decision');
  return Number(process.hrtime.bigint() - started) / n;
}

header(`Policy evaluation, two builds alternating (before = ${process.argv[at + 1]}), ${rounds} rounds`);
for (const c of cases) {
  const old = before.loadPolicy(c.yaml, 'policy.yaml');
  const now = after.loadPolicy(c.yaml, 'policy.yaml');
  if (!old.ok || !now.ok) throw new Error(`${c.name}: the policy does not load in both builds`);
  for (const action of c.actions.slice(0, 200)) {
    if (before.evaluate(old.policy, action).decision !== after.evaluate(now.policy, action).decision) {
      throw new Error(`${c.name}: the builds disagree on ${JSON.stringify(action)}`);
    }
  }
  nsPerDecision(before, old.policy, c.actions); // warm-up
  nsPerDecision(after, now.policy, c.actions);
  const times = { before: [], after: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const build of order) {
      const [engine, policy] = build === 'before' ? [before, old.policy] : [after, now.policy];
      times[build].push(nsPerDecision(engine, policy, c.actions));
    }
  }
  const b = median(times.before);
  const a = median(times.after);
  console.log(
    `  ${c.name.padEnd(22)} before ${b.toFixed(0).padStart(5)} ns   after ${a.toFixed(0).padStart(5)} ns   after: ${((100 * b) / a).toFixed(1)}% of before's decisions/s`,
  );
}
