import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../packages/store/dist/index.js';
import { input } from './lib/generate-actions.mjs';

const seconds = Number(process.argv[2] ?? 5);
const start = Date.now();
const writers = Number(process.argv[3] ?? 64);

async function run(label, maxBatch) {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'));
  let batches = 0;
  const store = createSqliteStore({ path: join(dir, 'bench.db'), maxBatch, onCommit: () => batches++ });
  await store.migrate();
  batches = 0;
  let writes = 0;
  const latencies = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await store.createAction(input(writes, start));
        latencies.push(performance.now() - started);
        writes++;
      }
    }),
  );
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(1);
  const perSecond = writes / seconds;
  console.log(
    `${label.padEnd(22)} ${perSecond.toFixed(0).padStart(7)} writes/s  ${(batches / seconds).toFixed(0).padStart(6)} commits/s  ` +
      `avg batch ${(writes / batches).toFixed(1).padStart(5)}  p50 ${pct(0.5)} ms  p99 ${pct(0.99)} ms`,
  );
  return perSecond;
}

console.log(`SQLite WAL, synchronous=FULL, ${writers} concurrent writers, ${seconds} s each`);
const single = await run('one commit per write', 1);
const grouped = await run('group commit', 512);
console.log(`group commit / per-write: ${(grouped / single).toFixed(1)}x`);
