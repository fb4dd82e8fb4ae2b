// Fills a SQLite database with `count` realistic actions (each with its created + decision_made
// events, hash-chained, snapshot included, indexed for search) through the store's own writer, in large transactions
// with synchronous=OFF: the rows are exactly what the server would have written, only faster.
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../packages/store/dist/sqlite/open-database.js';
import { RecentUsage } from '../../packages/store/dist/sqlite/recent-usage.js';
import { createSqliteWriter } from '../../packages/store/dist/sqlite/sqlite-writer.js';
import { validateCreate } from '../../packages/store/dist/validate-input.js';

const TOOLS = ['http', 'shell', 'stripe', 'github', 'db', 'email', 'files', 'slack'];
const STATUSES = [
  ['allowed', 'allow', 0.6],
  ['denied', 'deny', 0.15],
  ['pending_approval', 'require_approval', 0.1],
  ['succeeded', 'allow', 0.15],
];

function statusOf(x) {
  let acc = 0;
  for (const [status, decision, share] of STATUSES) {
    acc += share;
    if (x < acc) return { status, decision };
  }
  return { status: 'allowed', decision: 'allow' };
}

/** The i-th generated submission (action and its two events), as a store's createAction takes it. */
export function input(i, start) {
  const { status, decision } = statusOf((i * 0.618033988749) % 1);
  const tool = TOOLS[i % TOOLS.length];
  const at = new Date(start + i * 10).toISOString();
  // 50 busy agents and a long tail of rare ones (every 997th action).
  const agent = i % 997 === 0 ? `rare-${i}` : `agent-${(i * 7) % 50}`;
  return {
    action: {
      id: randomUUID(),
      agent_id: agent,
      tool,
      operation: tool === 'shell' ? 'run' : 'get',
      params:
        tool === 'shell'
          ? // One shell command in a thousand is a kubectl call: a rare term for the params search.
            { cmd: i % 1000 === 1 ? `kubectl delete pod web-${i}` : `ls -la /srv/app/${i}` }
          : { url: `https://api.example.com/items/${i}`, amount: i % 5000 },
      context: { session: `s-${i % 1000}` },
      status,
      decision,
      reason: 'generated',
      reason_code: `rule_${decision}`,
      risk_level: i % 7 === 0 ? 'high' : i % 3 === 0 ? 'medium' : 'low',
      risk_rule: null,
      matched_rule: { index: i % 5, description: 'generated' },
      policy_version: '1',
      policy_hash: 'a'.repeat(64),
      request_hash: 'b'.repeat(64),
      approval_token: null,
      approval_expires_at: status === 'pending_approval' ? new Date(start + i * 10 + 3_600_000).toISOString() : null,
      approval_decided_by: null,
      approval_decided_at: null,
      approval_reason: null,
      submitted_by: null,
      idempotency_key: null,
      started_at: null,
      finished_at: null,
      result_error: null,
      created_at: at,
    },
    events: [
      { id: randomUUID(), event_type: 'created', meta: { agent_id: agent, tool } },
      { id: randomUUID(), event_type: 'decision_made', meta: { decision } },
    ],
  };
}

/** Writes `count` actions to a new database at `path`; calls `onProgress(done)` every 50,000. */
export function generateActions(path, count, onProgress = () => {}) {
  const db = openDatabase({ location: path, synchronous: 'normal', busyTimeoutMs: 5000 });
  try {
    const writer = createSqliteWriter(db, path, new RecentUsage(db));
    writer.migrate();
    db.pragma('synchronous = OFF');
    const start = Date.parse('2025-01-01T00:00:00Z');
    const chunk = db.transaction((from, to) => {
      writer.beginBatch();
      for (let i = from; i < to; i++) {
        const next = input(i, start);
        writer.create(next, validateCreate(next));
      }
      writer.finishBatch();
    });
    for (let from = 0; from < count; from += 10_000) {
      chunk.immediate(from, Math.min(count, from + 10_000));
      writer.endBatch(true);
      if ((from + 10_000) % 50_000 === 0) onProgress(Math.min(count, from + 10_000));
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
