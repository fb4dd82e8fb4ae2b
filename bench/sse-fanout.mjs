// SSE fan-out: 1,000 subscribers on GET /v1/events while actions are submitted at 50/s (two ledger
// events each: 100 events/s). Subscribers live on two worker threads (bench/lib/sse-subscribers.mjs). Latency per (subscriber, event) = frame received − submit request
// sent (so it includes the durable commit); every subscriber must receive every event exactly
// once, in order. Baseline: a plain node:http server writing each published body to every client
// (bench/baseline-sse-server.mjs), driven the same way.
//
//   node bench/sse-fanout.mjs [--smoke]        (after `npm run build`)

import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { header } from './lib/machine.mjs';
import { startBaselineSse, startFaramesh } from './lib/servers.mjs';
import { num, ratio, summarize } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const SUBSCRIBERS = smoke ? 20 : 1000;
const SUBMITS_PER_SECOND = 50;
const SECONDS = smoke ? 1 : 10;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const THREADS = 2;

/** Starts the subscriber threads; resolves once every subscriber is connected. */
async function subscribers(url) {
  const workers = Array.from({ length: THREADS }, (_, t) => {
    const share = Math.floor(SUBSCRIBERS / THREADS) + (t < SUBSCRIBERS % THREADS ? 1 : 0);
    return new Worker(new URL('./lib/sse-subscribers.mjs', import.meta.url), { workerData: { url, count: share } });
  });
  await Promise.all(workers.map((w) => once(w, 'message')));
  const ask = (type) =>
    Promise.all(
      workers.map((w) => {
        const answer = new Promise((resolve) => {
          const onMessage = (m) => {
            if (m.type !== type && !(type === 'finish' && m.type === 'done')) return;
            w.off('message', onMessage);
            resolve(m);
          };
          w.on('message', onMessage);
        });
        w.postMessage({ type });
        return answer;
      }),
    );
  return {
    counts: async () => (await ask('counts')).flatMap((m) => m.received),
    finish: async () => {
      const answers = await ask('finish');
      await Promise.all(workers.map((w) => w.terminate()));
      return {
        latencies: answers.flatMap((m) => Array.from(m.latencies)),
        received: answers.flatMap((m) => m.received),
      };
    },
  };
}

function post(url, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function run(label, eventsUrl, publish) {
  const subs = await subscribers(eventsUrl);
  await sleep(200);
  const total = SUBMITS_PER_SECOND * SECONDS;
  const started = performance.now();
  const posts = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / SUBMITS_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    posts.push(publish(`t${(performance.timeOrigin + performance.now()).toFixed(3)}`));
  }
  await Promise.all(posts);
  const expected = total * 2;
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline && (await subs.counts()).some((n) => n < expected)) await sleep(100);
  const { latencies, received } = await subs.finish();
  const lost = received.reduce((sum, n) => sum + Math.max(0, expected - n), 0);
  const extra = received.reduce((sum, n) => sum + Math.max(0, n - expected), 0);
  const stats = summarize(latencies);
  console.log(
    `  ${label.padEnd(10)} p50 ${num(stats.p50).padStart(6)} ms   p99 ${num(stats.p99).padStart(6)} ms   max ${num(stats.max).padStart(6)} ms   ` +
      `${stats.n} deliveries, lost ${lost}, duplicated ${extra}`,
  );
  return { ...stats, lost };
}

header(`SSE fan-out: ${SUBSCRIBERS} subscribers × ${SUBMITS_PER_SECOND * 2} events/s for ${SECONDS} s`);
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'));
const baseline = await startBaselineSse();
try {
  const padding = 'x'.repeat(700); // about the size of an action frame
  const base = await run('node:http', `${baseline.url}/events`, (marker) =>
    post(`${baseline.url}/publish`, { marker, padding }),
  );
  await baseline.stop();
  const faramesh = await startFaramesh({ db: join(dir, 'bench.db') });
  try {
    const ours = await run('faramesh', `${faramesh.url}/v1/events`, (marker) =>
      post(`${faramesh.url}/v1/actions`, { agent_id: 'bench-sse', tool: 'http', operation: 'get', params: { marker } }),
    );
    console.log(`  ratio: p50 ${ratio(ours.p50, base.p50)}, p99 ${ratio(ours.p99, base.p99)} the ceiling's`);
    console.log(`target: p99 ≤ 50 ms, none lost → ${num(ours.p99)} ms, lost ${ours.lost}`);
  } finally {
    await faramesh.stop();
  }
} finally {
  await baseline.stop();
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
}
