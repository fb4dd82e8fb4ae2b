// The SQLite FTS5 search index's cost per action, raw (better-sqlite3, no store): the generated
// actions' search text (bench/lib/generate-actions.mjs, search-text.ts) inserted with one
// INSERT … SELECT per batch, one transaction per batch, synchronous OFF, so the figure is the index's
// CPU (tokenizing, segment writes, merges) without fsync. Prices the batch size the writer indexes
// with (search-batch.ts SEARCH_INDEX_ROWS) and the table of schema 20 (keyed by the actions rowid,
// no trigram positions) against schema 19's (packed action ids beside the text, positions kept).
//
//   node bench/search-index-cost.mjs [--rows 40000] [--batches 64,1024,8192]
//        (after `npm run build`; not in the suite)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson } from '../packages/canonical/dist/index.js';
import { searchText } from '../packages/store/dist/search-text.js';
import { input } from './lib/generate-actions.mjs';
import { header } from './lib/machine.mjs';

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const rows = Number(flag('rows', 40000));
const batches = flag('batches', '64,1024,8192').split(',').map(Number);
const LAYOUTS = [
  {
    name: 'schema 19',
    table: `text, action_id UNINDEXED, content = '', contentless_unindexed = 1, columnsize = 0,
      tokenize = 'trigram case_sensitive 1'`,
    insert: 'INSERT INTO f (action_id, text) SELECT action_id, text FROM src WHERE id >= ? AND id < ? ORDER BY id',
  },
  {
    name: 'schema 20',
    table: `text, content = '', columnsize = 0, detail = none, tokenize = 'trigram case_sensitive 1'`,
    insert: 'INSERT INTO f (rowid, text) SELECT id, text FROM src WHERE id >= ? AND id < ? ORDER BY id',
  },
];

const start = Date.now();
const texts = Array.from({ length: rows }, (_, i) => {
  const { action } = input(i, start);
  return searchText(action, canonicalJson(action.params), canonicalJson(action.context));
});
header(
  `SQLite FTS5 trigram index: CPU per action, ${rows} generated actions (${(texts.join('').length / rows).toFixed(0)} characters of search text each)`,
);
for (const batch of batches) {
  for (const layout of LAYOUTS) {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-fts-cost-'));
    const db = new Database(join(dir, 'fts.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE src (id INTEGER PRIMARY KEY, action_id BLOB, text TEXT)');
    const add = db.prepare('INSERT INTO src (action_id, text) VALUES (?, ?)');
    db.transaction(() => {
      for (const text of texts) add.run(Buffer.alloc(16, 7), text);
    })();
    db.exec(`CREATE VIRTUAL TABLE f USING fts5(${layout.table})`);
    const index = db.prepare(layout.insert);
    const cpu = process.cpuUsage();
    for (let from = 1; from <= rows; from += batch) {
      db.exec('BEGIN');
      index.run(from, from + batch);
      db.exec('COMMIT');
    }
    const used = process.cpuUsage(cpu);
    const bytes = db.prepare('SELECT sum(length(block)) AS n FROM f_data').get().n;
    db.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `  batch ${String(batch).padStart(5)}  ${layout.name.padEnd(10)} ` +
        `${((used.user + used.system) / rows).toFixed(1).padStart(5)} µs per action  index ${(bytes / rows).toFixed(0)} B per action`,
    );
  }
}
