// What pruning limit usage costs (what `faramesh archive` does after its ledger stretch), and what it
// does to the submissions that go on meanwhile:
//
//   node bench/usage-prune.mjs [--smoke] [--postgres] [--rows N] [--buckets N] [--stretch N]   (after `npm run build`)
//
// A store whose limit_usage holds N counted rows (default 2,000,000) over B buckets (1,024), spread
// evenly over the last two years, so a bit under half were counted before the reach of the longest
// window (366 days) and can go. The pass (`store.ledger.archive.pruneUsage`, `--stretch` rows per
// write transaction, the archiver's 1,024 by default) is timed, with the slowest stretch. Meanwhile
// 16 writers keep making limited submissions over the same buckets: their latency (p50/p99) during
// the pass is printed beside the same load with no pass running (the baseline, same store, just
// before). The windows of 64 buckets are checked equal before and after, and a second pass must
// remove nothing. SQLite (a file, FULL) by default; `--postgres` on a throwaway cluster (Debian's
// `postgresql`).
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createPostgresStore, createSqliteStore } from '../packages/store/dist/index.js';
import { startThrowawayCluster } from '../packages/store/dist/postgres/throwaway-cluster.js';
import { input } from './lib/generate-actions.mjs';
import { header } from './lib/machine.mjs';
import { migratedFile } from './lib/migrated-file.mjs';
import { quantile } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const postgres = process.argv.includes('--postgres');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const rows = flag('--rows', smoke ? 20_000 : 2_000_000);
const buckets = flag('--buckets', smoke ? 16 : 1_024);
const stretch = flag('--stretch', 1_024);
const WRITERS = 16;
const DAY = 86_400_000;
const now = Date.now();
const cutoff = new Date(now - 366 * DAY).toISOString();
const first = now - 2 * 365 * DAY;
const step = (2 * 365 * DAY - 60_000) / rows;
const keyOf = (b) => `bucket-${String(b).padStart(5, '0')}`;
const countedAt = (i) => new Date(first + i * step).toISOString();

/** A SQLite file with the rows, written directly; its store, and how to remove it. */
async function sqliteWithRows() {
  const { dir, path } = await migratedFile(createSqliteStore, 'faramesh-usage-prune-');
  const db = new Database(path);
  const insert = db.prepare(
    'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running) VALUES (?, ?, ?, ?, ?)',
  );
  const totals = new Array(buckets).fill(0);
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const b = i % buckets;
      totals[b] += (i % 7) + 1;
      insert.run(`a${i}`, keyOf(b), (i % 7) + 1, countedAt(i), totals[b]);
    }
  })();
  db.close();
  return { store: createSqliteStore({ path }), done: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A database of a throwaway PostgreSQL cluster with the same rows, generated in SQL. */
async function postgresWithRows() {
  const cluster = await startThrowawayCluster();
  const dsn = await cluster.createDatabase('usage_prune');
  const store = createPostgresStore({ dsn, poolSize: 8 });
  await store.migrate();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  await client.query(
    `INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running)
     SELECT 'a' || i, 'bucket-' || lpad((i % $2)::text, 5, '0'), i % 7 + 1,
       to_char(to_timestamp(($3::double precision + i * $4::double precision) / 1000) AT TIME ZONE 'UTC',
         'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       sum(i % 7 + 1) OVER (PARTITION BY i % $2 ORDER BY i)
     FROM generate_series(0, $1::bigint - 1) AS i`,
    [rows, buckets, first, step],
  );
  await client.query('VACUUM ANALYZE limit_usage');
  await client.end();
  return {
    store,
    done: async () => {
      await store.close();
      await cluster.destroy();
    },
  };
}

header(
  `Limit usage pruning on ${postgres ? 'PostgreSQL' : 'SQLite'}: ${rows.toLocaleString('en')} counted rows over ${buckets} buckets across two years, ${stretch} rows per transaction, ${WRITERS} writers submitting meanwhile`,
);
// Rows before the cutoff, less each bucket's last one there: what the pass must remove.
let prunable = 0;
const early = new Set();
for (let i = 0; i < rows && countedAt(i) < cutoff; i++) {
  prunable += 1;
  early.add(i % buckets);
}
prunable -= early.size;
const { store, done: cleanup } = postgres ? await postgresWithRows() : await sqliteWithRows();
try {
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
    // The generator's submission (bench/lib/generate-actions.mjs), made an allowed call of now.
    const { action: generated, events } = input(n, Date.now());
    const action = {
      ...generated,
      agent_id: `agent-${b}`,
      status: 'allowed',
      decision: 'allow',
      reason_code: 'rule_allow',
      approval_expires_at: null,
      created_at: new Date().toISOString(),
    };
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
  await cleanup();
}
