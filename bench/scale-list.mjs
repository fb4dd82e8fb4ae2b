// Scale of data: GET /v1/actions (list, filter, paginate) with 1,000,000 stored actions, p50/p99 per
// page; the server's RSS; the database size per million actions. Baseline: the same queries on
// 10,000 actions, so the ratio shows what the million costs.
//
//   node bench/scale-list.mjs [--smoke] [--actions N]        (after `npm run build`)
//
// The rows are written by the store's own writer (bench/lib/generate-actions.mjs): 50 busy agents
// plus a rare one every 997 actions, 8 tools, 60% allowed / 15% denied / 10% pending / 15% succeeded;
// one shell command in a thousand is a kubectl call (a rare term for the params search).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateActions } from './lib/generate-actions.mjs';
import { header } from './lib/machine.mjs';
import { rssMiB, startFaramesh } from './lib/servers.mjs';
import { int, num, ratio, summarize } from './lib/stats.mjs';

const smoke = process.argv.includes('--smoke');
const actionsFlag = process.argv.indexOf('--actions');
const LARGE = actionsFlag > 0 ? Number(process.argv[actionsFlag + 1]) : smoke ? 3000 : 1_000_000;
const SMALL = smoke ? 300 : 10_000;
const REPEAT = smoke ? 3 : 200;
const LIMIT = 50;

const QUERIES = [
  ['newest page', `limit=${LIMIT}`],
  ['status=pending_approval', `limit=${LIMIT}&status=pending_approval`],
  ['agent_id (busy)', `limit=${LIMIT}&agent_id=agent-7`],
  ['agent_id (rare)', `limit=${LIMIT}&agent_id=rare-997`],
  ['tool=shell', `limit=${LIMIT}&tool=shell`],
  ['risk_level=high', `limit=${LIMIT}&risk_level=high`],
  ['offset 5,000', `limit=${LIMIT}&offset=5000`],
];

/** Searches, from rare to matching an eighth of all rows; the 2-character one can't use the index. */
const SEARCHES = [
  ['q=kubectl (params, 1/8000)', `limit=${LIMIT}&q=kubectl`],
  ['q=rare-99 (agent)', `limit=${LIMIT}&q=rare-99`],
  ['q=/srv/app/4242 (params)', `limit=${LIMIT}&q=${encodeURIComponent('/srv/app/4242')}`],
  ['q=kubectl&status=pending', `limit=${LIMIT}&q=kubectl&status=pending_approval`],
  ['q=ls -la (params, 1/8)', `limit=${LIMIT}&q=${encodeURIComponent('ls -la')}`],
  ['q=ls -la&status=pending', `limit=${LIMIT}&q=${encodeURIComponent('ls -la')}&status=pending_approval`],
  ['q=zq (2 chars: scan)', `limit=${LIMIT}&q=zq`],
];

async function timed(url) {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.json();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

async function measureDb(count, dir) {
  const path = join(dir, `scale-${count}.db`);
  const t0 = performance.now();
  generateActions(path, count, (done) => {
    if (!smoke) process.stdout.write(`  generating ${int(done)}/${int(count)}\r`);
  });
  const genSeconds = (performance.now() - t0) / 1000;
  const bytes = statSync(path).size;
  const server = await startFaramesh({ db: path });
  try {
    const base = `${server.url}/v1/actions?`;
    const first = await timed(`${base}limit=${LIMIT}`);
    if (first.body.total !== count) throw new Error(`total ${first.body.total}, expected ${count}`);
    const results = {};
    const firsts = {};
    for (const [name, query] of QUERIES) {
      // The first query of a kind reads its column's counts (one GROUP BY, kept in memory after)
      // and touches cold pages; it is reported on its own, the steady state below.
      firsts[name] = (await timed(base + query)).ms;
      const samples = [];
      for (let i = 0; i < REPEAT; i++) samples.push((await timed(base + query)).ms);
      results[name] = summarize(samples);
    }
    // Keyset paging: follow next_cursor, REPEAT pages deep.
    const pages = [];
    let cursor = null;
    for (let i = 0; i < REPEAT; i++) {
      const page = await timed(`${base}limit=${LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(page.ms);
      cursor = page.body.next_cursor;
      if (!cursor) break;
    }
    results['next_cursor pages'] = summarize(pages);
    // Text search (q): indexed from 3 characters (SQLite FTS5 trigram). The first search of a kind is
    // reported apart (cold index pages), as above.
    for (const [name, query] of SEARCHES) {
      firsts[name] = (await timed(base + query)).ms;
      const samples = [];
      for (let i = 0; i < Math.min(REPEAT, 20); i++) samples.push((await timed(base + query)).ms);
      results[name] = summarize(samples);
    }
    return { count, bytes, genSeconds, firstMs: first.ms, firsts, rss: rssMiB(server.child.pid), results };
  } finally {
    await server.stop();
  }
}

header(`Scale of data: list/filter/paginate with ${int(LARGE)} actions (baseline ${int(SMALL)})`);
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'));
try {
  const small = await measureDb(SMALL, dir);
  const large = await measureDb(LARGE, dir);
  for (const db of [small, large]) {
    console.log(
      `  ${int(db.count)} actions: generated in ${num(db.genSeconds)} s; database ${num(db.bytes / 2 ** 20)} MiB ` +
        `(${num(((db.bytes / db.count) * 1e6) / 2 ** 30)} GiB per million); first list after start ${num(db.firstMs)} ms; server RSS ${db.rss === null ? '?' : num(db.rss)} MiB`,
    );
  }
  console.log(
    `  ${'query (limit 50)'.padEnd(26)} ${`${int(SMALL)}: p50 / p99`.padStart(22)}   ${`${int(LARGE)}: p50 / p99`.padStart(26)}   p99 ratio   first at ${int(LARGE)}`,
  );
  let worst = 0;
  let worstSearch = 0;
  for (const name of Object.keys(large.results)) {
    const s = small.results[name];
    const l = large.results[name];
    if (name.startsWith('q=')) worstSearch = Math.max(worstSearch, name.includes('scan') ? 0 : l.p99);
    else worst = Math.max(worst, l.p99);
    console.log(
      `  ${name.padEnd(26)} ${`${num(s.p50)} / ${num(s.p99)} ms`.padStart(22)}   ${`${num(l.p50)} / ${num(l.p99)} ms`.padStart(26)}   ${ratio(l.p99, s.p99).padStart(9)}   ${large.firsts[name] === undefined ? '' : `${num(large.firsts[name])} ms`}`,
    );
  }
  console.log(
    `target: list page p99 ≤ 20 ms → worst ${num(worst)} ms (searches apart); indexed search p99 ≤ 500 ms → worst ${num(worstSearch)} ms; RSS ≤ 250 MB → ${num(large.rss ?? Number.NaN)} MiB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
