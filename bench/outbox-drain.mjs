// Webhook delivery cost on its own: CPU per delivered message of the outbox worker (claim, POST,
// settle), with nothing else running in the process.
//
//   node bench/outbox-drain.mjs [--messages N] [--concurrency 4,16,32] [--rounds N]   (after `npm run build`)
//
// A SQLite store (WAL, synchronous=FULL) is filled with N queued messages carrying the payload a
// `decision_made` webhook carries (an action on the wire, ~1.5 KB), then the real OutboxWorker and
// WebhookChannel deliver them to a receiver in another process that answers 200 at once (its CPU is
// not counted). Printed per concurrency: deliveries/s and this process's CPU (user + system) per
// delivery from the first claim until the last outcome is recorded, medians over alternating rounds.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '../packages/server/dist/metrics/metrics.js';
import { DEFAULT_DELIVERY } from '../packages/server/dist/notify/channels-config.js';
import { OutboxWorker } from '../packages/server/dist/notify/outbox-worker.js';
import { WebhookChannel } from '../packages/server/dist/notify/webhook-channel.js';
import { createSqliteStore } from '../packages/store/dist/index.js';
import { header } from './lib/machine.mjs';
import { median } from './lib/stats.mjs';

const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const smoke = process.argv.includes('--smoke');
const messages = Number(flag('--messages', smoke ? 200 : 5000));
const rounds = Number(flag('--rounds', smoke ? 1 : 3));
const levels = flag('--concurrency', `4,${DEFAULT_DELIVERY.concurrency},32`)
  .split(',')
  .map(Number)
  .filter((n, i, all) => all.indexOf(n) === i);

const RECEIVER = `
  const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200).end()); });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
const receiver = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((done) => receiver.stdout.once('data', (chunk) => done(Number(String(chunk).trim()))));

const at = new Date().toISOString();
const payload = (i) => ({
  type: 'action.decision_made',
  timestamp: at,
  data: {
    event_id: `0f1e2d3c-4b5a-4687-9${String(i).padStart(3, '0').slice(-3)}-0123456789ab`,
    action: {
      id: `4a6b8c0d-1e2f-4a5b-8c7d-${String(i).padStart(12, '0')}`,
      agent_id: `agent-${i % 16}`,
      tool: 'http',
      operation: 'get',
      params: { url: `https://api.example.com/items/${i}`, api_key: `[redacted:hmac-sha256:${'ab'.repeat(32)}]` },
      context: { source: 'bench', trace_id: `trace-${i}` },
      status: 'allowed',
      decision: 'allow',
      reason: 'Allow HTTP GET requests',
      reason_code: 'rule_matched',
      matched_rule: { index: 0, name: 'reads', description: 'Allow HTTP GET requests' },
      risk_level: 'low',
      request_hash: 'c'.repeat(64),
      policy_hash: 'd'.repeat(64),
      policy_version: '1',
      submitted_by: null,
      created_at: at,
      updated_at: at,
      version: 1,
      started_at: null,
      finished_at: null,
      result_error: null,
      approval: null,
    },
    decision: 'allow',
    status: 'allowed',
    request_hash: 'c'.repeat(64),
    policy_hash: 'd'.repeat(64),
    dashboard_url: null,
  },
});

const silent = { info() {}, warn() {}, error() {} };
const secret = Buffer.alloc(32, 7);

async function run(concurrency, round) {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-outbox-'));
  const commits = { n: 0, ms: 0 };
  const store = createSqliteStore({
    path: join(dir, 'outbox.db'),
    onCommit: ({ ms }) => {
      commits.n += 1;
      commits.ms += ms;
    },
  });
  await store.migrate();
  for (let i = 0; i < messages; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(messages, i + 500); j++) {
      batch.push({
        id: `msg_${round}_${j}`,
        channel: 'ops',
        event_type: 'decision_made',
        action_id: null,
        payload: payload(j),
      });
    }
    await store.outbox.add(batch, at);
  }
  const channel = new WebhookChannel({
    name: 'ops',
    url: new URL(`http://127.0.0.1:${port}/hook`),
    events: ['decision_made'],
    keys: [secret],
    timeoutMs: 5000,
  });
  const metrics = new Metrics();
  const worker = new OutboxWorker({
    outbox: store.outbox,
    channels: new Map([['ops', channel]]),
    settings: { ...DEFAULT_DELIVERY, concurrency },
    owner: 'bench',
    metrics,
    log: silent,
    now: () => new Date(),
  });
  const delivered = async () => (await metrics.notifications.get()).values.reduce((sum, v) => sum + v.value, 0);
  commits.n = 0;
  commits.ms = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  worker.start();
  while ((await delivered()) < messages && performance.now() - started < 120_000) {
    await new Promise((done) => setTimeout(done, 5));
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const done = await delivered();
  await worker.close();
  channel.close?.();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    perSecond: (done / ms) * 1000,
    cpu: (used.user + used.system) / Math.max(1, done),
    sys: used.system / Math.max(1, done),
    done,
    commits: commits.n,
    commitMs: commits.ms / Math.max(1, done),
  };
}

header(`Outbox delivery: ${messages} queued webhook messages, CPU per delivery, ${rounds} alternating rounds`);
const results = new Map(levels.map((c) => [c, { rate: [], cpu: [], sys: [], commits: [], commitUs: [], done: 0 }]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const c of levels) {
      const r = await run(c, round);
      const into = results.get(c);
      into.rate.push(r.perSecond);
      into.cpu.push(r.cpu);
      into.sys.push(r.sys);
      into.commits.push(r.commits);
      into.commitUs.push(r.commitMs * 1000);
      into.done += r.done;
    }
  }
} finally {
  receiver.kill();
}
const int = (x) => Math.round(x).toString();
for (const [c, r] of results) {
  const note = c === DEFAULT_DELIVERY.concurrency ? ' (the default)' : '';
  console.log(
    `  concurrency ${String(c).padStart(2)}${note.padEnd(14)} ${int(median(r.rate)).padStart(6)} deliveries/s (${r.rate.map(int).join(', ')})   cpu/delivery ${int(median(r.cpu)).padStart(4)} µs (${r.cpu.map(int).join(', ')}; system ${int(median(r.sys))})   ${int(median(r.commits))} commits taking ${int(median(r.commitUs))} µs per delivery   delivered ${r.done}/${messages * rounds}`,
  );
}
