import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../schema-version.js';
import { newEvents, sampleAction } from '../store.contract.js';
import type { NewAction, Store } from '../store.js';
import { actionWhere, ftsQuery } from './list-query.js';
import { migrate } from './migrations.js';
import { openDatabase } from './open-database.js';
import { SEARCH_INDEX_ROWS, SEARCH_TABLE } from './search-batch.js';
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

/** How many actions the FTS5 index itself holds with every trigram of `phrase` (for 3 characters: containing it). */
function indexedCount(path: string, phrase: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return (
      raw
        .prepare(`SELECT count(*) AS n FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH ?`)
        .get(ftsQuery([phrase])) as {
        n: number;
      }
    ).n;
  } finally {
    raw.close();
  }
}

/** Creates `actions` in group commits of 64, as concurrent submissions arrive. */
async function createInCommits(store: Store, actions: NewAction[]): Promise<void> {
  for (let at = 0; at < actions.length; at += 64) {
    await Promise.all(
      actions.slice(at, at + 64).map((action) => store.createAction({ action, events: newEvents('created') })),
    );
  }
}

describe('sqlite search index', () => {
  it('finds every action, indexed or in the tail the index has not taken yet, with the exact total', async () => {
    const path = tempDb();
    const store = createSqliteStore({ path });
    try {
      await store.migrate();
      // Two index batches and a tail; more matches than MANY_MATCHES (2,000), so the list probes a
      // set of packed ids instead of looking each match up.
      const count = 2 * SEARCH_INDEX_ROWS + 52;
      const actions = Array.from({ length: count }, (_, i) => sampleAction({ params: { cmd: `job-${i}-zz` } }));
      await createInCommits(store, actions);
      const indexed = indexedCount(path, '-zz');
      expect(indexed).toBeGreaterThanOrEqual(2 * SEARCH_INDEX_ROWS);
      expect(indexed).toBeLessThan(count);
      const all = await store.listActions({ filter: { q: '-ZZ' }, limit: 500 });
      expect(all.total).toBe(count);
      expect(all.items.map((a) => a.id)).toEqual(
        actions
          .slice(-500)
          .reverse()
          .map((a) => a.id),
      );
      const found = async (q: string) => (await store.listActions({ filter: { q }, limit: 10 })).items.map((a) => a.id);
      expect(await found('job-7-zz')).toEqual([actions[7]!.id]);
      expect(await found(`job-${count - 1}-zz`)).toEqual([actions[count - 1]!.id]);
      // An id prefix and a text match, together and once each.
      const last = actions[count - 1]!;
      const byPrefix = await store.listActions({ filter: { q: last.id.slice(0, 8) }, limit: 10 });
      expect(byPrefix.items.map((a) => a.id)).toContain(last.id);
      expect((await store.listActions({ filter: { q: 'job-1', tool: 'shell' }, limit: 1 })).total).toBe(
        actions.filter((_, i) => String(i).startsWith('1')).length,
      );
    } finally {
      await store.close();
    }
  });

  it('keeps only the rows that hold the text itself, not just its trigrams apart, in results and totals', async () => {
    const path = tempDb();
    const store = createSqliteStore({ path });
    try {
      await store.migrate();
      // More candidates than MANY_MATCHES (2,000), most of them indexed: both plans check the text.
      const half = 1100;
      const make = (cmd: string) => sampleAction({ params: { cmd } });
      const actions = Array.from({ length: 2 * half }, (_, i) =>
        i % 2 === 0 ? make(`run zqaw ${i}`) : make(`zqa qaw ${i}`),
      );
      await createInCommits(store, actions);
      expect(indexedCount(path, 'zqaw')).toBeGreaterThan(2 * SEARCH_INDEX_ROWS - 64);
      const real = actions.filter((_, i) => i % 2 === 0).map((a) => a.id);
      const page = await store.listActions({ filter: { q: 'ZQAW' }, limit: 500 });
      expect(page.total).toBe(half);
      expect(page.items.every((a) => real.includes(a.id))).toBe(true);
      expect(page.items).toHaveLength(500);
      // Few matches: the candidates are looked up by id and checked.
      const few = actions.filter((a) => String(a.params.cmd).includes('run zqaw 7')).map((a) => a.id);
      expect(few.length).toBeGreaterThan(10);
      const found = await store.listActions({ filter: { q: 'run zqaw 7' }, limit: 500 });
      expect(found.items.map((a) => a.id).sort()).toEqual(few.sort());
      expect(found.total).toBe(few.length);
      // A single trigram is exact from the index: every row holds it.
      expect((await store.listActions({ filter: { q: 'zqa' }, limit: 1 })).total).toBe(2 * half);
      // With another filter the total is counted over the rows, with the same check.
      expect((await store.listActions({ filter: { q: 'zqaw', tool: 'shell' }, limit: 1 })).total).toBe(half);
    } finally {
      await store.close();
    }
  });

  it('finds quoted, escaped, non-ASCII and long text through the index as through the tail', async () => {
    const path = tempDb();
    const store = createSqliteStore({ path });
    try {
      await store.migrate();
      const long = `${'segment-'.repeat(40)}end`;
      const special = [
        { cmd: 'echo "hi there"' },
        { path: 'C:\\Users\\Ana' },
        { name: 'Émile ✓ 😀 done' },
        { body: long },
      ].map((params) => sampleAction({ params }));
      for (const action of special) await store.createAction({ action, events: newEvents('created') });
      const filler = Array.from({ length: SEARCH_INDEX_ROWS }, (_, i) =>
        sampleAction({ params: { cmd: `filler ${i}` } }),
      );
      await createInCommits(store, filler);
      expect(indexedCount(path, 'ana')).toBe(1);
      const found = async (q: string) => (await store.listActions({ filter: { q }, limit: 10 })).items.map((a) => a.id);
      const [quoted, windows, accented, longText] = special.map((a) => a.id);
      expect(await found('echo "hi')).toEqual([quoted]);
      expect(await found('echo \\"hi')).toEqual([quoted]);
      expect(await found('C:\\Users\\')).toEqual([windows]);
      expect(await found('ÉMILE ✓ 😀')).toEqual([accented]);
      expect(await found('émile')).toEqual([]);
      // More trigrams than a query names (MAX_FORM_TRIGRAMS): still only the row holding all of it.
      expect(await found(long.slice(3, 200))).toEqual([longText]);
      expect(await found(`${long.slice(3, 200)}x`)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('indexes the actions written before migration 18 when it rebuilds the index', async () => {
    // A file written at schema 17 (fixtures/make-schema17-db.mjs), its search index in migration 4's shape.
    const path = tempDb();
    copyFileSync(new URL('./fixtures/schema17.db', import.meta.url), path);
    const store = createSqliteStore({ path });
    try {
      expect(await store.migrate()).toEqual({ from: 17, to: SCHEMA_VERSION });
      const found = async (q: string) => (await store.listActions({ filter: { q }, limit: 10 })).items.map((a) => a.id);
      expect(await found('5000')).toEqual(['aaaaaaaa-0000-4000-8000-000000000006']);
      expect(await found('unicode ✓')).toEqual(['Custom-Action-ID']);
      expect((await store.listActions({ filter: { q: 'ls -la' }, limit: 10 })).total).toBe(5);
      // Migration 20 dropped the emptied shadow table migration 18 had to leave behind.
      const raw = new Database(path, { readonly: true });
      try {
        expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'actions_search_content'").all()).toEqual([]);
      } finally {
        raw.close();
      }
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
