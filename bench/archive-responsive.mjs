// Whether the server keeps answering while `POST /v1/audit/archive` runs, and how long the archive
// takes, as the ledger grows:
//
//   node bench/archive-responsive.mjs [--actions 10000,40000] [--before DIR]   (after `npm run build`)
//
// For each size: a fresh server on a fresh SQLite file (FULL) with an archive directory, that many
// allowed submissions (32 at a time; allowed actions aren't finished, so the archive keeps them all:
// the planning walks every one), then the archive of everything older than a second while a client
// asks `/health` every 100 ms. Printed: the archive's time and the slowest `/health` answer during
// it (the longest the server answered nothing). `--before DIR` runs another checkout's build (built)
// the same way after this one. Not in the suite: a slow build takes minutes per size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { header } from './lib/machine.mjs';
import { root, startFaramesh } from './lib/servers.mjs';

const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const sizes = (flag('--actions') ?? '10000,40000').split(',').map(Number);
const before = flag('--before');
const ADMIN = 'bench-admin-token-0001';
const AGENT = 'bench-agent-token-0001';

async function submitAll(url, n) {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await fetch(`${url}/v1/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          agent_id: 'bot',
          tool: 'http',
          operation: 'get',
          params: { url: `https://api.example.com/${i}` },
        }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  if (failed > 0) throw new Error(`${failed} submissions failed`);
}

async function measure(from, n) {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-archive-responsive-'));
  const server = await startFaramesh({
    db: join(dir, 'actions.db'),
    from,
    env: {
      FARAMESH_TOKENS: `admin:admin:${ADMIN},bot:agent:${AGENT}`,
      FARAMESH_ARCHIVE_DIR: join(dir, 'archive'),
    },
  });
  try {
    await submitAll(server.url, n);
    await new Promise((done) => setTimeout(done, 1100));
    let worst = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const started = performance.now();
        await (await fetch(`${server.url}/health`)).arrayBuffer();
        worst = Math.max(worst, performance.now() - started);
        await new Promise((done) => setTimeout(done, 100));
      }
    })();
    const started = performance.now();
    const res = await fetch(`${server.url}/v1/audit/archive`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ before: '1s' }),
    });
    const body = await res.json();
    const ms = performance.now() - started;
    polling = false;
    await poll;
    if (res.status !== 200) throw new Error(`archive answered ${res.status}: ${JSON.stringify(body)}`);
    return { ms, worst, events: body.event_count };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

header('Archive while serving: POST /v1/audit/archive of every allowed action, /health asked every 100 ms');
const builds = [['this build', root], ...(before ? [['before', resolve(before)]] : [])];
for (const n of sizes) {
  for (const [label, from] of builds) {
    const started = performance.now();
    const r = await measure(from, n).catch((error) => ({ error, ms: performance.now() - started }));
    if ('error' in r) {
      const cause = r.error.cause?.code ?? r.error.message;
      console.log(
        `  ${label.padEnd(10)} ${String(n).padStart(7)} actions: failed (${cause}) after ${(r.ms / 1000).toFixed(1)} s`,
      );
      continue;
    }
    console.log(
      `  ${label.padEnd(10)} ${String(n).padStart(7)} actions (${r.events} events): archive ${(r.ms / 1000).toFixed(1)} s, slowest /health ${Math.round(r.worst)} ms`,
    );
  }
}
