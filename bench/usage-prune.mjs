// What pruning limit usage costs (what `faramesh archive` does after its ledger stretch), on SQLite,
// and what it does to the submissions that go on meanwhile:
//
//   node bench/usage-prune.mjs [--smoke] [--rows N] [--buckets N] [--stretch N]   (after `npm run build`)
//
// A store whose limit_usage holds N counted rows (default 2,000,000) over B buckets (1,024), spread
// evenly over the last two years, so a bit under half were counted before the reach of the longest
// window (366 days) and can go. The pass (`store.ledger.archive.pruneUsage`, `--stretch` rows per
// write transaction, the archiver's 4,096 by default) is timed, with the slowest stretch. Meanwhile
// 16 writers keep making limited submissions over the same buckets: their latency (p50/p99) during
// the pass is printed beside the same load with no pass running (the baseline, same store, just
// before). The windows of 64 buckets are checked equal before and after, and a second pass must
// remove nothing.
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../packages/store/dist/index.js';
import { header } from './lib/machine.mjs';
import { migratedFile } from './lib/migrated-file.mjs';
import { quantile } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const rows = flag('--rows', smoke ? 20_000 : 2_000_000);
const buckets = flag('--buckets', smoke ? 16 : 1_024);
const stretch = flag('--stretch', 4_096);
const WRITERS = 16;
const DAY = 86_400_000;
const now = Date.now();
const cutoff = new Date(now - 366 * DAY).toISOString();
const first = now - 2 * 365 * DAY;
const step = (2 * 365 * DAY - 60_000) / rows;
const keyOf = (b) => `bucket-${String(b).padStart(5, '0')}`;

header(
  `Limit usage pruning: ${rows.toLocaleString('en')} counted rows over ${buckets} buckets across two years, ${stretch} rows per transaction, ${WRITERS} writers submitting meanwhile`,
);
const { dir, path } = await migratedFile(createSqliteStore, 'faramesh-usage-prune-');
try {
  const db = new Database(path);
  const insert = db.prepare(
    'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running) VALUES (?, ?, ?, ?, ?)',
  );
  const totals = new Array(buckets).fill(0);
  let prunable = 0;
  const seen = new Set();
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const b = i % buckets;
      const amount = (i % 7) + 1;
      totals[b] += amount;
      const at = new Date(first + i * step).toISOString();
      insert.run(`a${i}`, keyOf(b), amount, at, totals[b]);
    }
  })();
  // Rows before the cutoff, less each bucket's last one there.
  for (let i = 0; i < rows; i++) {
    if (new Date(first + i * step).toISOString() < cutoff) {
      prunable += 1;
      seen.add(i % buckets);
    }
  }
  prunable -= seen.size;
  db.close();

  const store = createSqliteStore({ path });
  const archive = store.ledger.archive;
  const checked = Array.from({ length: Math.min(64, buckets) }, (_, i) => keyOf(Math.floor((i * buckets) / 64)));
  const sinceOf = (days) => new Date(now - days * DAY).toISOString();
  const windows = async () =>
    Promise.all(checked.flatMap((key) => [365, 30, 1].map((days) => store.limitUsage(key, sinceOf(days)))));
  const before = await windows();

  // Limited submissions, as the server writes them: a gate on one of the buckets, always allowed.
  let n = 0;
  const submitted = new Array(buckets).fill(0);
  const submit = async () => {
    n += 1;
    const b = n % buckets;
    submitted[b] += 1;
    const action = {
      id: crypto.randomUUID(),
      agent_id: `agent-${b}`,
      tool: 'http',
      operation: 'get',
      params: { url: `https://api.example.com/items/${n}` },
      context: {},
      status: 'allowed',
      decision: 'allow',
      reason: 'within the limit',
      reason_code: 'rule_matched',
      risk_level: 'low',
      risk_rule: null,
      matched_rule: { index: 0, description: 'limited reads' },
      policy_version: 'v1',
      policy_hash: 'a'.repeat(64),
      request_hash: 'b'.repeat(64),
      approval_token: null,
      approval_expires_at: null,
      approval_decided_by: null,
      approval_decided_at: null,
      approval_reason: null,
      submitted_by: null,
      idempotency_key: null,
      started_at: null,
      finished_at: null,
      result_error: null,
      created_at: new Date().toISOString(),
    };
    const events = [
      { id: crypto.randomUUID(), event_type: 'created', meta: {} },
      { id: crypto.randomUUID(), event_type: 'decision_made', meta: {} },
    ];
    const began = performance.now();
    await store.createAction({
      action,
      events,
      limit: {
        key: keyOf(b),
        since: new Date(Date.now() - 3_600_000).toISOString(),
        decide: () => ({ action, events, amount: 1 }),
      },
    });
    return performance.now() - began;
  };
  const load = async (until) => {
    const latencies = [];
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (!until()) latencies.push(await submit());
      }),
    );
    return latencies.sort((a, b) => a - b);
  };

  // Baseline: the same load for as long as the pass takes (measured below), first for a fixed time.
  const baselineMs = smoke ? 300 : 3_000;
  const started = performance.now();
  const quiet = await load(() => performance.now() - started > baselineMs);

  let removed = 0;
  let stretches = 0;
  let worst = 0;
  let done = false;
  const passBegan = performance.now();
  const pass = (async () => {
    let from = null;
    do {
      const t = performance.now();
      const result = await archive.pruneUsage(cutoff, from, stretch);
      worst = Math.max(worst, performance.now() - t);
      removed += result.removed;
      stretches += 1;
      from = result.next;
    } while (from !== null);
    done = true;
  })();
  const during = await load(() => done);
  await pass;
  const passMs = performance.now() - passBegan;
  const again = await archive.pruneUsage(cutoff, null, rows + 1_000_000);
  const after = await windows();
  await store.close();

  if (removed !== prunable) throw new Error(`removed ${removed} rows, expected ${prunable}`);
  if (again.removed !== 0) throw new Error(`a second pass removed ${again.removed} rows`);
  // Each window gained exactly its bucket's submissions made meanwhile (one unit each, all within
  // the last day), and lost nothing the pass removed.
  checked.forEach((key, k) => {
    const b = Number(key.slice('bucket-'.length));
    for (let w = 0; w < 3; w++) {
      const i = k * 3 + w;
      if (after[i] !== before[i] + submitted[b]) {
        throw new Error(`${key}: window ${w} is ${after[i]}, expected ${before[i]} + ${submitted[b]}`);
      }
    }
  });

  const ms = (x) => x.toFixed(2).padStart(7);
  console.log(
    `  pass        ${removed.toLocaleString('en')} rows removed in ${stretches} transactions, ${(passMs / 1000).toFixed(2)} s (${((passMs * 1000) / Math.max(1, removed)).toFixed(1)} µs per removed row), slowest transaction ${worst.toFixed(1)} ms`,
  );
  console.log(
    `  submissions with no pass (baseline)   ${String(quiet.length).padStart(6)} writes   p50 ${ms(quantile(quiet, 0.5))} ms   p99 ${ms(quantile(quiet, 0.99))} ms`,
  );
  console.log(
    `  submissions during the pass           ${String(during.length).padStart(6)} writes   p50 ${ms(quantile(during, 0.5))} ms   p99 ${ms(quantile(during, 0.99))} ms   (p99 ${(quantile(during, 0.99) / quantile(quiet, 0.99)).toFixed(2)}× the baseline)`,
  );
  console.log(
    `  windows of ${checked.length} buckets (365, 30, 1 days) equal before and after, plus the submissions made meanwhile`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
