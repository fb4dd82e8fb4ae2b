// Bytes per action on disk, by table and index (SQLite's dbstat: page sizes, free space included):
// where each generated action's bytes go, and the file size per million actions.
//
//   node bench/db-bytes.mjs [--actions N] [--db FILE]        (after `npm run build`)
//
// Without --db it generates N actions (default 100,000) with the scale benchmark's writer
// (bench/lib/generate-actions.mjs) in a temporary directory; with --db it measures that file.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { generateActions } from './lib/generate-actions.mjs';
import { header } from './lib/machine.mjs';
import { int } from './lib/stats.mjs';

const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const count = Number(flag('--actions') ?? 100_000);
const given = flag('--db');

/** Which part of an action a b-tree belongs to (FTS5 shadow tables count as the search index). */
function groupOf(name) {
  if (name.startsWith('actions_search')) return 'search index (FTS5)';
  if (name === 'action_events') return 'ledger events';
  if (name === 'actions') return 'actions rows';
  if (name.startsWith('sqlite_autoindex_actions')) return 'actions id index';
  if (/^actions_(newest|status_newest|agent_newest)$/.test(name)) return 'list indexes';
  if (name.startsWith('actions_')) return 'other actions indexes';
  return 'other';
}

header('Database bytes per action (dbstat)');
const dir = given ? null : mkdtempSync(join(tmpdir(), 'faramesh-db-bytes-'));
const path = given ?? join(dir, 'bytes.db');
try {
  if (!given) {
    const t0 = performance.now();
    generateActions(path, count);
    console.log(`generated ${int(count)} actions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const db = new Database(path, { readonly: true });
  const actions = db.prepare('SELECT count(*) AS n FROM actions').get().n;
  const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all();
  db.close();
  const groups = new Map();
  const names = new Map();
  for (const { name, bytes } of rows) {
    const group = groupOf(name);
    groups.set(group, (groups.get(group) ?? 0) + bytes);
    names.set(group, [...(names.get(group) ?? []), `${name} ${Math.round(bytes / actions)}`]);
  }
  const fileBytes = statSync(path).size;
  console.log(`${int(actions)} actions, file ${int(fileBytes)} B`);
  for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1])) {
    console.log(
      `  ${group.padEnd(24)} ${String(Math.round(bytes / actions)).padStart(6)} B   (${names.get(group).join(', ')})`,
    );
  }
  const perAction = fileBytes / actions;
  console.log(
    `  ${'total (file)'.padEnd(24)} ${String(Math.round(perAction)).padStart(6)} B   = ${((perAction * 1e6) / 2 ** 30).toFixed(2)} GiB per million actions`,
  );
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
