// A/B of the JavaScript on the SQLite store's create path alone: validateCreate + the writer's
// create + expandCreate, with the statements replaced by no-ops (no SQLite work at all), for two
// builds imported into one process and alternated batch by batch. CPU time (process.cpuUsage), not
// wall time, so the figure holds up on a shared machine far better than a whole-store run, whose
// SQLite and fsync time (~70 µs per write) buries a change of a few µs in its noise.
//
//   node bench/store-js-ab.mjs --before /path/to/other/checkout [--rounds 40]
//        (not in the suite: it needs a second build; without --before it measures this build only)
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { input } from './lib/generate-actions.mjs';
import { header } from './lib/machine.mjs';

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const rounds = Number(flag('rounds', 40));
const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const before = flag('before');
const roots = before === undefined ? { after: here } : { before: resolve(before), after: here };

const PER_BATCH = 1000;
const inputs = Array.from({ length: PER_BATCH }, (_, i) => input(i, Date.parse('2030-01-01T00:00:00Z')));
// Every statement answers as SQLite would for a fresh create: a rowid, one changed row, the tip.
const statement = {
  run: () => ({ lastInsertRowid: 1, changes: 1 }),
  get: () => ({ seq: 0, hash: '0'.repeat(64) }),
  all: () => [],
};
const db = { prepare: () => statement };

const builds = [];
for (const [name, root] of Object.entries(roots)) {
  const load = (path) => import(pathToFileURL(join(root, path)).href);
  const { createSqliteWriter } = await load('packages/store/dist/sqlite/sqlite-writer.js');
  const { validateCreate } = await load('packages/store/dist/validate-input.js');
  const { expandCreate } = await load('packages/store/dist/sqlite/created-records.js');
  // Builds from schema 22 take the mirror of limit usage waiting to move (unused by these creates).
  const recent = await load('packages/store/dist/sqlite/recent-usage.js').catch(() => null);
  const writer = createSqliteWriter(db, name, recent === null ? undefined : new recent.RecentUsage(db));
  let events = 0;
  const batch = () => {
    writer.beginBatch();
    for (const next of inputs) events += expandCreate(next, writer.create(next, validateCreate(next))).events.length;
    return events;
  };
  builds.push({ name, batch, perCreate: [] });
}

header(`A/B: JavaScript of the SQLite store's create path (statements as no-ops), ${rounds} rounds`);
for (const build of builds) for (let i = 0; i < 30; i++) build.batch();
for (let round = 0; round < rounds; round++) {
  for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < 3; i++) build.batch();
    const used = process.cpuUsage(cpu);
    build.perCreate.push((used.user + used.system) / (3 * PER_BATCH));
  }
}
for (const { name, perCreate } of builds) {
  const sorted = perCreate.sort((a, b) => a - b);
  const at = (q) => sorted[Math.floor(q * (sorted.length - 1))].toFixed(2);
  console.log(`${name.padEnd(6)} cpu per create: min ${at(0)} µs, p25 ${at(0.25)}, median ${at(0.5)}, p75 ${at(0.75)}`);
}
