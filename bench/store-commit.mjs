// Group commit vs one transaction per write on the SQLite store: 64 concurrent writers,
// WAL + synchronous=FULL, each write a createAction with two ledger events.
// Run after `npx tsc -b packages/store`:  node bench/store-commit.mjs [seconds] [writers]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../packages/store/dist/index.js';

const seconds = Number(process.argv[2] ?? 5);
const writers = Number(process.argv[3] ?? 64);

function action(i) {
  return {
    id: randomUUID(),
    agent_id: `agent-${i % 16}`,
    tool: 'shell',
    operation: 'run',
    params: { cmd: 'ls', i },
    context: {},
    status: 'allowed',
    decision: 'allow',
    reason: 'ok',
    reason_code: 'rule_matched',
    risk_level: 'low',
    risk_rule: null,
    matched_rule: { index: 0, description: null },
    policy_version: 'v1',
    policy_hash: 'p',
    request_hash: 'r',
    approval_token: null,
    approval_expires_at: null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: null,
    idempotency_key: null,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: new Date().toISOString(),
  };
}

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
        await store.createAction({
          action: action(writes),
          events: [
            { id: randomUUID(), event_type: 'created', meta: {} },
            { id: randomUUID(), event_type: 'decision_made', meta: {} },
          ],
        });
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
