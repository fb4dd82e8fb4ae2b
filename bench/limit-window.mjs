// What reading a limit's window usage costs as the window fills, on SQLite (the read every limited
// submission makes inside its write transaction):
//
//   node bench/limit-window.mjs [--smoke]        (after `npm run build`)
//
// For each size, a store whose bucket holds that many counted rows inside the window (written
// directly, one per second, amounts 1..7) is asked for the window's usage (`limitUsage`, the same
// statement as the write path) repeatedly; the figure is the median µs per read over 5 passes (after a warm-up).
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../packages/store/dist/index.js';
import { migratedFile } from './lib/migrated-file.mjs';

const smoke = process.argv.includes('--smoke');
const sizes = smoke ? [0, 100] : [0, 10, 100, 1_000, 10_000, 100_000];
const KEY = 'k'.repeat(64);
const start = Date.parse('2031-01-01T00:00:00.000Z');

async function measureSize(rows) {
  const { dir, path } = await migratedFile(createSqliteStore, 'faramesh-limit-window-');
  const db = new Database(path);
  const columns = db
    .prepare('PRAGMA table_info(limit_usage)')
    .all()
    .map((c) => c.name);
  const running = columns.includes('running');
  const insert = db.prepare(
    running
      ? 'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running) VALUES (?, ?, ?, ?, ?)'
      : 'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at) VALUES (?, ?, ?, ?)',
  );
  db.transaction(() => {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const amount = (i % 7) + 1;
      total += amount;
      const args = [`a${i}`, KEY, amount, new Date(start + i * 1000).toISOString()];
      insert.run(...(running ? [...args, total] : args));
      // Another bucket interleaved, as a busy server has.
      insert.run(...(running ? [`b${i}`, 'other', 1, args[3], i + 1] : [`b${i}`, 'other', 1, args[3]]));
    }
  })();
  db.close();
  const store = createSqliteStore({ path });
  const since = new Date(start - 1000).toISOString();
  const reads = rows >= 10_000 ? 200 : 2_000;
  const passes = [];
  let used = 0;
  for (let i = 0; i < 200; i++) await store.limitUsage(KEY, since); // warm-up
  for (let pass = 0; pass < 5; pass++) {
    const began = performance.now();
    for (let i = 0; i < reads; i++) used = await store.limitUsage(KEY, since);
    passes.push(((performance.now() - began) * 1000) / reads);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  passes.sort((a, b) => a - b);
  const expected = Array.from({ length: rows }, (_, i) => (i % 7) + 1).reduce((a, b) => a + b, 0);
  if (used !== expected) throw new Error(`window usage ${used}, expected ${expected}`);
  return passes[2];
}

console.log('SQLite: limitUsage(key, since) with N counted rows in the window (median of 5 passes)');
for (const rows of sizes) {
  const micros = await measureSize(rows);
  console.log(
    `  ${String(rows.toLocaleString('en-US')).padStart(8)} rows   ${micros.toFixed(2).padStart(9)} µs per read`,
  );
}
