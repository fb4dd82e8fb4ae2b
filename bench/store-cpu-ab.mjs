// A/B of the SQLite store's write path alone: CPU per createAction between two builds, alternated
// A B B A … in fresh processes on fresh files (synchronous FULL), so machine drift falls on both.
// Each run: 64 concurrent writers (group commit), a warm-up, then `--seconds` measured; CPU is the
// process's user + system time over the measured part (system: WAL writes, fsync, checkpoints).
// `--limit N`: every write is a limited one, as a server writes it (a gate over N buckets, created
// at the current time so rows of a busy bucket tie in the same millisecond, as under load).
// `--prefill N` (with `--limit`): every run starts from a copy of a file already holding N usage
// rows spread over the buckets and the last hour (one file per build, migrated by that build), like
// a server that has been counting for a while
// (each bucket's newest rows and its window's start are then pages the cache may not hold).
//
//   node bench/store-cpu-ab.mjs --before /path/to/other/checkout [--rounds 5] [--seconds 5] [--writers 64]
//        [--limit 16] [--prefill 2000000]   (not in the suite: it needs a second build; without --before it measures this build only)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { header } from './lib/machine.mjs';
import { migratedFile } from './lib/migrated-file.mjs';

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const seconds = Number(flag('seconds', 5));
const writers = Number(flag('writers', 64));
const child = flag('child');
const buckets = Number(flag('limit', 0));
const prefill = Number(flag('prefill', 0));
const template = flag('template');

/** The limit key of bucket `b` (the written calls and the prefilled rows share it). */
const bucketKey = (b) => `rule-0:agent-${b}`;

/** The write of call `i`: with `--limit`, gated like a limited submission (never over its limit). */
function limited(write, i) {
  if (buckets === 0) return write;
  const now = Date.now();
  const action = { ...write.action, created_at: new Date(now).toISOString(), status: 'allowed', decision: 'allow' };
  const gated = { ...write, action };
  return {
    ...gated,
    limit: {
      key: bucketKey(i % buckets),
      since: new Date(now - 3_600_000).toISOString(),
      decide: () => ({ action, events: gated.events, amount: 1 }),
    },
  };
}

if (child !== undefined) {
  const { createSqliteStore } = await import(pathToFileURL(join(child, 'packages/store/dist/index.js')).href);
  const { input } = await import('./lib/generate-actions.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-store-ab-'));
  if (template !== undefined) copyFileSync(template, join(dir, 'ab.db'));
  let commits = 0;
  const store = createSqliteStore({ path: join(dir, 'ab.db'), onCommit: () => commits++ });
  await store.migrate();
  const start = Date.now();
  let writes = 0;
  const load = async (ms) => {
    const deadline = performance.now() + ms;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < deadline) {
          const i = writes++;
          await store.createAction(limited(input(i, start), i));
        }
      }),
    );
  };
  await load(1000);
  const fromWrites = writes;
  const fromCommits = commits;
  const cpu = process.cpuUsage();
  await load(seconds * 1000);
  const used = process.cpuUsage(cpu);
  const n = writes - fromWrites;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      writes: n,
      commits: commits - fromCommits,
      user: used.user / n,
      system: used.system / n,
    }),
  );
  process.exit(0);
}

const here = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * A file migrated by the build in `root` holding `rows` usage rows over the buckets, counted in the
 * hour before now (one per build: a build refuses a file a newer schema migrated).
 */
async function usageTemplate(root, rows) {
  const { createSqliteStore } = await import(pathToFileURL(join(root, 'packages/store/dist/index.js')).href);
  const { default: Database } = await import('better-sqlite3');
  const { dir, path } = await migratedFile(createSqliteStore, 'faramesh-store-ab-template-');
  const db = new Database(path);
  const insert = db.prepare(
    'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running) VALUES (?, ?, 1, ?, ?)',
  );
  const from = Date.now() - 3_600_000;
  const running = new Array(buckets).fill(0);
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const b = i % buckets;
      running[b] += 1;
      insert.run(
        `prefill-${i}`,
        bucketKey(b),
        new Date(from + Math.floor((i / rows) * 3_500_000)).toISOString(),
        running[b],
      );
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { path, dir };
}
const before = flag('before');
const rounds = Number(flag('rounds', 5));
const builds = before === undefined ? { after: here } : { before: resolve(before), after: here };
const templates = new Map();
if (prefill > 0 && child === undefined) {
  for (const root of Object.values(builds)) templates.set(root, await usageTemplate(root, prefill));
}
const script = fileURLToPath(import.meta.url);
const run = (root) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        script,
        '--child',
        root,
        '--seconds',
        String(seconds),
        '--writers',
        String(writers),
        '--limit',
        String(buckets),
        ...(templates.has(root) ? ['--template', templates.get(root).path] : []),
      ],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .split('\n')
      .at(-1),
  );

header(
  `A/B: the SQLite store's createAction, ${writers} writers, FULL, ${seconds} s per run${buckets ? `, limited over ${buckets} buckets` : ''}${templates.size > 0 ? ` on ${prefill} usage rows` : ''}, before = ${builds.before ?? '-'}`,
);
const results = Object.fromEntries(Object.keys(builds).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const names = Object.keys(builds);
  const order = round % 2 === 0 ? names : names.reverse();
  for (const name of order) {
    const r = run(builds[name]);
    results[name].push(r);
    console.log(
      `  round ${round + 1}  ${name.padEnd(6)} ${String(Math.round(r.writes / seconds)).padStart(6)} writes/s  ` +
        `avg batch ${(r.writes / r.commits).toFixed(1).padStart(5)}  cpu/write ${(r.user + r.system).toFixed(1).padStart(6)} µs ` +
        `(user ${r.user.toFixed(1)}, system ${r.system.toFixed(1)})`,
    );
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const made of templates.values()) rmSync(made.dir, { recursive: true, force: true });
for (const [name, list] of Object.entries(results)) {
  console.log(
    `median ${name.padEnd(6)} cpu/write ${median(list.map((r) => r.user + r.system)).toFixed(1)} µs ` +
      `(user ${median(list.map((r) => r.user)).toFixed(1)}, system ${median(list.map((r) => r.system)).toFixed(1)})`,
  );
}
