// Runs the Cedar side of bench/policy-eval.mjs on a worker thread of the same process: with both
// engines JIT-compiled on one thread, Node 20's V8 crashed (a fatal error while deoptimizing the
// wasm-bindgen glue). Answers { decisions, stats } for one policy set.
import { parentPort, workerData } from 'node:worker_threads';
import { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { cedarCall, generateActions, generateRules, mulberry32, toCedar } from './policy-sets.mjs';
import { measure } from './stats.mjs';

const { size, seed, seconds, count } = workerData;
const random = mulberry32(seed);
const rules = generateRules(size, random);
const actions = generateActions(rules, count, random);
const id = `bench-${size}`;
const parsed = preparsePolicySet(id, { staticPolicies: toCedar(rules) });
if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed.errors));

function decide(action) {
  const answer = statefulIsAuthorized(cedarCall(id, action));
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  return answer.response.decision;
}

const decisions = actions.map(decide);
parentPort.postMessage({ decisions, stats: measure(decide, actions, seconds) });
