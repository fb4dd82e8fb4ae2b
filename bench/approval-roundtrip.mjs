// Approval round trip: from sending the approve request to the moment an SDK `waitForDecision`
// call (a long-poll, already waiting) returns the approved action. Baseline: the earlier design, a
// client polling GET /v1/actions/{id} every second, measured on the same server in the same run.
//
//   node bench/approval-roundtrip.mjs [--smoke]        (after `npm run build`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FarameshClient } from '../packages/sdk/dist/index.js';
import { header } from './lib/machine.mjs';
import { startFaramesh } from './lib/servers.mjs';
import { num, ratio, summarize } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const ROUNDS = smoke ? 5 : 200;
const POLL_ROUNDS = smoke ? 2 : 10;
const POLL_MS = 1000;

async function pending(client, i) {
  const action = await client.submitAction({
    agent_id: 'bench-approver',
    tool: 'shell',
    operation: 'run',
    params: { cmd: `echo ${i}` },
  });
  if (action.status !== 'pending_approval' || !action.approval_token) throw new Error(`not pending: ${action.status}`);
  return action;
}

/** ms from the approve request to the waiting call's return. */
async function viaWait(client, i) {
  const action = await pending(client, i);
  const waiting = client.waitForDecision(action.id, { timeoutMs: 10_000 }).then((a) => ({ a, at: performance.now() }));
  await sleep(5); // let the long-poll reach the server
  const sent = performance.now();
  await client.approve(action.id, { token: action.approval_token, reason: 'bench' });
  const { a, at } = await waiting;
  if (a.status !== 'approved') throw new Error(`wait returned ${a.status}`);
  return at - sent;
}

/** The same with a client polling every POLL_MS, started at a random phase. */
async function viaPolling(client, i) {
  const action = await pending(client, i);
  const found = (async () => {
    await sleep(Math.random() * POLL_MS);
    for (;;) {
      const a = await client.getAction(action.id);
      if (a.status !== 'pending_approval') return performance.now();
      await sleep(POLL_MS);
    }
  })();
  await sleep(5);
  const sent = performance.now();
  await client.approve(action.id, { token: action.approval_token });
  return (await found) - sent;
}

header('Approval round trip: approve → waiting SDK call returns');
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'));
const server = await startFaramesh({ db: join(dir, 'bench.db') });
try {
  const client = new FarameshClient({ baseUrl: server.url, token: null });
  for (let i = 0; i < 5; i++) await viaWait(client, -i); // warm-up
  const wait = [];
  for (let i = 0; i < ROUNDS; i++) wait.push(await viaWait(client, i));
  const poll = [];
  for (let i = 0; i < POLL_ROUNDS; i++) poll.push(await viaPolling(client, i));
  const w = summarize(wait);
  const p = summarize(poll);
  console.log(
    `  waitForDecision (long-poll)  p50 ${num(w.p50).padStart(6)} ms   p99 ${num(w.p99).padStart(6)} ms   (${w.n} rounds)`,
  );
  console.log(
    `  polling every ${POLL_MS} ms        p50 ${num(p.p50).padStart(6)} ms   p99 ${num(p.p99).padStart(6)} ms   (${p.n} rounds)`,
  );
  console.log(`  ratio: ${ratio(p.p50, w.p50)} faster at p50`);
  console.log(`target: p50 ≤ 20 ms → ${num(w.p50)} ms`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
