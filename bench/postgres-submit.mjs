// Load benchmark of POST /v1/actions on PostgreSQL (synchronous_commit=on, fsync=on: every
// acknowledged submit is durable) with one replica and with two replicas on the same database, next
// to SQLite (WAL, synchronous=FULL) on the same machine.
//
//   node bench/postgres-submit.mjs [--smoke] [--seconds N] [--connections N]   (after `npm run build`)
//
// PostgreSQL is a throwaway cluster (Debian's `postgresql` package) started by this script. With two
// replicas, two autocannon runs (half the connections each) drive them at the same time and the
// figures are summed. Everything (load generator, servers, database) shares this machine's cores, so
// a second replica shows how the shared ledger lock scales, not a second machine's capacity.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startThrowawayCluster } from '../packages/store/dist/postgres/throwaway-cluster.js';
import { header } from './lib/machine.mjs';
import { startFaramesh } from './lib/servers.mjs';

const smoke = process.argv.includes('--smoke');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = flag('--seconds', smoke ? 1 : 10);
const connections = flag('--connections', smoke ? 8 : 64);

/** Faramesh with `env` (DB: a SQLite path), through the suite's shared child-process starter. */
function serve({ DB, ...env }) {
  return startFaramesh({ ...(DB ? { db: DB } : {}), env });
}

function load(url, conns, offset) {
  let i = offset;
  return autocannon({
    url: `${url}/v1/actions`,
    method: 'POST',
    connections: conns,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          i += 1;
          const body = {
            agent_id: `bench-${i % 16}`,
            tool: 'http',
            operation: 'get',
            params: { url: `https://api.example.com/items/${i}` },
          };
          return { ...req, body: JSON.stringify(body) };
        },
      },
    ],
  });
}

/** Prints one row; returns its summed req/s. */
function report(label, results) {
  const rps = results.reduce((sum, r) => sum + r.requests.average, 0);
  const p50 = Math.max(...results.map((r) => r.latency.p50));
  const p99 = Math.max(...results.map((r) => r.latency.p99));
  const errors = results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
  console.log(
    `  ${label.padEnd(36)} ${Math.round(rps).toString().padStart(7)} req/s   p50 ${String(p50).padStart(4)} ms   p99 ${String(p99).padStart(4)} ms   errors ${errors}`,
  );
  return rps;
}

header(`PostgreSQL submit: POST /v1/actions, ${connections} connections, ${seconds} s each`);
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'));
const sqlite = await serve({ DB: join(dir, 'bench.db') });
const sqliteRps = report('sqlite FULL, 1 server (baseline)', [await load(sqlite.url, connections, 0)]);
await sqlite.stop();

const cluster = await startThrowawayCluster();
try {
  const dsn = await cluster.createDatabase('bench');
  const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn };
  const one = await serve(env);
  const oneRps = report('postgres sync commit, 1 replica', [await load(one.url, connections, 1e9)]);
  const two = await serve(env);
  const half = Math.max(1, Math.floor(connections / 2));
  const twoRps = report(
    'postgres sync commit, 2 replicas',
    await Promise.all([load(one.url, half, 2e9), load(two.url, half, 3e9)]),
  );
  console.log(
    `  ratio: 1 replica ${((oneRps / sqliteRps) * 100).toFixed(0)}% of SQLite; 2 replicas ${(twoRps / oneRps).toFixed(2)}× 1 replica`,
  );
  await one.stop();
  await two.stop();
} finally {
  await cluster.destroy();
  rmSync(dir, { recursive: true, force: true });
}
