import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../schema-version.js';
import { newEvents, sampleAction } from '../store.contract.js';
import { actionWhere } from './list-query.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { openDatabase } from './open-database.js';
import { createSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-search-'));
  dirs.push(dir);
  return join(dir, 'actions.db');
}

describe('sqlite search index', () => {
  it('indexes the actions written before the search migration when it runs', async () => {
    const path = tempDb();
    const old = [
      sampleAction({ params: { cmd: 'kubectl drain node-1' } }),
      sampleAction({ params: { url: 'https://example.com' }, context: { ticket: 'OPS-7' } }),
    ];
    const first = createSqliteStore({ path });
    await first.migrate();
    for (const action of old) await first.createAction({ action, events: newEvents('created') });
    await first.close();
    // Back to the rows as they were before the index existed (later migrations stay: the writer needs
    // their columns), then run the search migration's own SQL, backfill included, on them.
    const raw = new Database(path);
    // SQLite leaves a contentless_unindexed FTS5 table's `_content` shadow table behind on DROP, and
    // defensive mode protects it: unsafe mode lets this test remove it.
    raw.unsafeMode(true);
    raw.exec('DROP TABLE actions_search; DROP TABLE IF EXISTS actions_search_content;');
    const search = MIGRATIONS.find((m) => m.name === 'search index over params and context');
    raw.exec(search?.sql ?? '');
    // Migration 9 replaced the per-row trigger with the writer's batch insert (search-batch.ts).
    raw.exec('DROP TRIGGER actions_search_insert');
    raw.close();

    const store = createSqliteStore({ path });
    try {
      expect(await store.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      const found = async (q: string) => (await store.listActions({ filter: { q }, limit: 10 })).items.map((a) => a.id);
      expect(await found('kubectl drain')).toEqual([old[0]!.id]);
      expect(await found('ops-7')).toEqual([old[1]!.id]);
      const added = await store.createAction({
        action: sampleAction({ params: { cmd: 'kubectl get pods' } }),
        events: newEvents('created'),
      });
      expect(await found('kubectl get')).toEqual([added.action.id]);
    } finally {
      await store.close();
    }
  });

  it('finds every action of a group commit once it is acknowledged, also when another write in the batch failed', async () => {
    const store = createSqliteStore({ path: tempDb() });
    try {
      await store.migrate();
      const actions = Array.from({ length: 40 }, (_, i) => sampleAction({ params: { cmd: `deploy svc-${i}-zz` } }));
      // One batch: the failing transition makes the queue run it again with a savepoint per write.
      const results = await Promise.allSettled([
        ...actions.slice(0, 20).map((action) => store.createAction({ action, events: newEvents('created') })),
        store.transition({
          id: 'missing',
          expected_version: 1,
          at: new Date().toISOString(),
          patch: {},
          events: newEvents('started'),
        }),
        ...actions.slice(20).map((action) => store.createAction({ action, events: newEvents('created') })),
      ]);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      const found = await store.listActions({ filter: { q: '-zz' }, limit: 100 });
      expect(found.total).toBe(40);
      expect(found.items.map((a) => a.id).sort()).toEqual(actions.map((a) => a.id).sort());
      expect((await store.listActions({ filter: { q: 'svc-7-zz' }, limit: 10 })).items.map((a) => a.id)).toEqual([
        actions[7]!.id,
      ]);
    } finally {
      await store.close();
    }
  });

  it('answers a search of three or more characters from the FTS5 index, not a table scan', () => {
    const path = tempDb();
    const db = openDatabase({ location: path, synchronous: 'normal', busyTimeoutMs: 1000 });
    try {
      migrate(db, path);
      for (const [q, manyMatches] of [
        ['kubectl', false],
        ['kubectl', true],
        ['deadbeef', false],
      ] as const) {
        const where = actionWhere({ q }, manyMatches);
        const plan = db
          .prepare(`EXPLAIN QUERY PLAN SELECT id FROM actions WHERE ${where.sql} ORDER BY created_at DESC, id DESC`)
          .all(...where.params) as { detail: string }[];
        const details = plan.map((step) => step.detail).join('\n');
        expect(details).toContain('VIRTUAL TABLE');
        // Never a full scan of the actions table (a walk of an index is fine: "SCAN actions USING INDEX").
        expect(details).not.toMatch(/SCAN actions(?!_search)(?! USING)/);
      }
    } finally {
      db.close();
    }
  });
});
