import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '@faramesh/canonical';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { describeStoreContract, expectStoreError, newEvents, sampleAction } from '../store.contract.js';
import type { EventRecord, Store } from '../store.js';
import { MIGRATIONS } from './migrations.js';
import { openedSqliteStore } from './sqlite-contract.test-support.js';
import { type CommitStats, createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-store-'));
  dirs.push(dir);
  return dir;
}

const FIXTURES = new URL('./fixtures/', import.meta.url);
/** What the schema-17 build read from fixtures/schema17.db (fixtures/make-schema17-db.mjs). */
const SCHEMA17 = JSON.parse(readFileSync(new URL('schema17.expected.json', FIXTURES), 'utf8')) as {
  events: EventRecord[];
};
/** A copy of a fixture database in a temporary directory. */
function copyFixture(name: string): string {
  const path = join(tempDir(), name);
  copyFileSync(new URL(name, FIXTURES), path);
  return path;
}

describeStoreContract('sqlite', async () => {
  const dir = tempDir();
  return openedSqliteStore(dir, join(dir, 'nested', 'actions.db'));
});

describe('sqlite store', () => {
  const stores: Store[] = [];
  const open = async (options: Partial<SqliteStoreOptions> = {}) => {
    const store = createSqliteStore({ path: join(tempDir(), 'actions.db'), ...options });
    stores.push(store);
    await store.migrate();
    return store;
  };

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reports WAL and synchronous=FULL by default, NORMAL when asked', async () => {
    expect((await (await open()).info()).durability).toEqual({
      journal_mode: 'wal',
      synchronous: 'full',
      checkpoint: 'writer',
    });
    const normal = await open({ synchronous: 'normal' });
    expect((await normal.info()).durability).toEqual({
      journal_mode: 'wal',
      synchronous: 'normal',
      checkpoint: 'writer',
    });
    expect((await normal.info()).backend).toBe('sqlite');
  });

  it('seeds the high-water mark from the existing ledger when migrating a schema 1 database', async () => {
    // A file written at schema 17 (fixtures/make-schema17-db.mjs), taken back to schema 1: its ledger
    // table has the shape migration 1 created.
    const path = copyFixture('schema17.db');
    const raw = new Database(path);
    // SQLite leaves a contentless_unindexed FTS5 table's `_content` shadow table behind on DROP, and
    // defensive mode protects it: unsafe mode lets this test remove it to rebuild a schema-1 file.
    raw.unsafeMode(true);
    raw.exec(
      'DROP TABLE limit_usage; DROP TABLE grants; ALTER TABLE actions DROP COLUMN grant_id; DROP TABLE shadow_disagreements; DROP TABLE shadow_policy; DROP TABLE ledger_archives; DROP TABLE slack_messages; DROP TABLE email_link_uses; DROP TABLE outbox; DROP INDEX actions_break_glass; DROP INDEX actions_escalation_due; ALTER TABLE actions DROP COLUMN approval; DROP TABLE ledger_head; DROP TABLE ledger_checkpoints; DROP TABLE readiness_probe; DROP TABLE actions_search; DROP TABLE IF EXISTS actions_search_content; DROP TABLE api_tokens; DROP TABLE sessions; DELETE FROM schema_migrations WHERE version >= 2',
    );
    raw.close();
    const reopened = createSqliteStore({ path });
    stores.push(reopened);
    expect(await reopened.migrate()).toEqual({ from: 1, to: SCHEMA_VERSION });
    const head = SCHEMA17.events.at(-1)!;
    expect((await reopened.ledger.state()).high_water).toEqual({ seq: head.seq, hash: head.hash });
    expect(verifyLedger(await reopened.eventsAfter(0, 100))).toEqual({ ok: true });
  });

  it('migrates a database from before the approval column whose actions then read back exactly as their snapshots', async () => {
    const path = copyFixture('schema17.db');
    const raw = new Database(path);
    raw.exec(
      'DROP TABLE limit_usage; DROP TABLE grants; ALTER TABLE actions DROP COLUMN grant_id; DROP TABLE shadow_disagreements; DROP TABLE shadow_policy; DROP TABLE ledger_archives; DROP TABLE slack_messages; DROP TABLE email_link_uses; DROP TABLE outbox; DROP INDEX actions_break_glass; DROP INDEX actions_escalation_due; ALTER TABLE actions DROP COLUMN approval; DELETE FROM schema_migrations WHERE version >= 7',
    );
    raw.close();
    const reopened = createSqliteStore({ path });
    stores.push(reopened);
    expect(await reopened.migrate()).toEqual({ from: 6, to: SCHEMA_VERSION });
    // The actions that never needed approval: their rows had no approval to lose.
    for (const id of ['aaaaaaaa-0000-4000-8000-000000000001', 'Custom-Action-ID']) {
      const stored = await reopened.getAction(id);
      const last = (await reopened.listEvents(id)).at(-1);
      expect(stored !== null && 'approval' in stored).toBe(false);
      expect({ ...stored, approval_token: null }).toEqual(last?.action);
    }
    expect(await reopened.listDueEscalations('2100-01-01T00:00:00.000Z', 10)).toEqual([]);
  });

  it('ends the migration list at SCHEMA_VERSION with consecutive versions', () => {
    const versions = Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(versions);
  });

  it('shares one commit among concurrent writes', async () => {
    const batches: CommitStats[] = [];
    const store = await open({ onCommit: (stats) => batches.push(stats) });
    batches.length = 0;
    const results = await Promise.all(
      Array.from({ length: 200 }, () => store.createAction({ action: sampleAction(), events: newEvents('created') })),
    );
    expect(results).toHaveLength(200);
    expect(batches.reduce((n, b) => n + b.ops, 0)).toBe(200);
    expect(batches.length).toBeLessThanOrEqual(5);
    expect(batches.every((b) => b.committed)).toBe(true);
    expect(verifyLedger(await store.eventsAfter(0, 1000))).toEqual({ ok: true });
  });

  it('chains the writes of a batch past one that failed after appending its events', async () => {
    const store = await open();
    const failing = sampleAction();
    // A shadow record the table refuses: the write fails after its events were inserted.
    const broken = { action: failing, events: newEvents('created'), shadow: { action_id: failing.id } as never };
    const results = await Promise.allSettled([
      store.createAction({ action: sampleAction(), events: newEvents('created', 'decision_made') }),
      store.createAction(broken),
      store.createAction({ action: sampleAction(), events: newEvents('created') }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const events = await store.eventsAfter(0, 100);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(verifyLedger(events)).toEqual({ ok: true });
    const next = await store.createAction({ action: sampleAction(), events: newEvents('created') });
    expect(next.events[0]?.seq).toBe(4);
    expect(next.events[0]?.prev_hash).toBe(events[2]?.hash);
  });

  it('writes the ledger head once per batch, left at the newest event of the batch', async () => {
    const store = await open();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        store.createAction({ action: sampleAction(), events: newEvents('created', 'decision_made') }),
      ),
    );
    const events = await store.eventsAfter(0, 1000);
    expect(events).toHaveLength(100);
    const newest = events.at(-1)!;
    expect((await store.ledger.state()).high_water).toEqual({ seq: newest.seq, hash: newest.hash });
    expect(results.flatMap((r) => r.events.map((e) => e.seq)).sort((a, b) => a - b)).toEqual(events.map((e) => e.seq));
  });

  it('stores a write of more events than one INSERT takes, in order and chained', async () => {
    const store = await open();
    const types = Array.from({ length: 19 }, (_, i) => (i === 0 ? 'created' : `note_${i}`));
    const written = await store.createAction({ action: sampleAction(), events: newEvents(...types) });
    expect(written.events.map((e) => e.event_type)).toEqual(types);
    const stored = await store.listEvents(written.action.id);
    expect(stored.map((e) => [e.seq, e.event_type, e.hash])).toEqual(
      written.events.map((e) => [e.seq, e.event_type, e.hash]),
    );
    expect(verifyLedger(await store.eventsAfter(0, 100))).toEqual({ ok: true });
    expect((await store.ledger.state()).high_water?.seq).toBe(19);
  });

  it("stores the caller's canonical texts of params and context, and the same row without them", async () => {
    const path = join(tempDir(), 'actions.db');
    const store = createSqliteStore({ path });
    stores.push(store);
    await store.migrate();
    const params = { z: 1, a: { y: [2, 'é'], b: null } };
    const context = { ticket: 'OPS-1' };
    const canonical = { params: canonicalJson(params), context: canonicalJson(context) };
    const given = await store.createAction({
      action: sampleAction({ params, context }),
      events: newEvents('created'),
      canonical,
    });
    const made = await store.createAction({ action: sampleAction({ params, context }), events: newEvents('created') });
    const raw = new Database(path, { readonly: true });
    try {
      const row = (id: string) => raw.prepare('SELECT params, context FROM actions WHERE id = ?').get(id);
      expect(row(given.action.id)).toEqual(canonical);
      expect(row(made.action.id)).toEqual(canonical);
    } finally {
      raw.close();
    }
    expect((await store.getAction(given.action.id))?.params).toEqual(params);
    expect(verifyLedger(await store.eventsAfter(0, 10))).toEqual({ ok: true });
  });

  it('caps a batch at maxBatch writes', async () => {
    const batches: CommitStats[] = [];
    const store = await open({ maxBatch: 16, onCommit: (stats) => batches.push(stats) });
    batches.length = 0;
    await Promise.all(
      Array.from({ length: 100 }, () => store.createAction({ action: sampleAction(), events: newEvents('created') })),
    );
    expect(Math.max(...batches.map((b) => b.ops))).toBe(16);
    expect(batches.length).toBe(7);
  });

  it('settles a write only after its batch committed', async () => {
    const order: string[] = [];
    const store = await open({ onCommit: () => order.push('commit') });
    order.length = 0;
    await Promise.all([
      store.createAction({ action: sampleAction(), events: newEvents('created') }).then(() => order.push('a')),
      store.createAction({ action: sampleAction(), events: newEvents('created') }).then(() => order.push('b')),
    ]);
    expect(order).toEqual(['commit', 'a', 'b']);
  });

  it('rejects a whole batch as unavailable when the commit fails', async () => {
    const dir = tempDir();
    const path = join(dir, 'actions.db');
    const store = createSqliteStore({ path, busyTimeoutMs: 50 });
    stores.push(store);
    await store.migrate();
    // Another connection holding the write lock makes BEGIN IMMEDIATE fail with SQLITE_BUSY.
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const writes = Array.from({ length: 3 }, () =>
        store.createAction({ action: sampleAction(), events: newEvents('created') }),
      );
      for (const write of writes) {
        const error = await expectStoreError(write, 'unavailable');
        expect(error.cause).toBeDefined();
      }
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(await store.latestSeq()).toBe(0);
    await store.createAction({ action: sampleAction(), events: newEvents('created') });
    expect(await store.latestSeq()).toBe(1);
  });

  it('refuses a database migrated by a newer build', async () => {
    const dir = tempDir();
    const path = join(dir, 'actions.db');
    const store = createSqliteStore({ path });
    await store.migrate();
    await store.close();
    const raw = new Database(path);
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(SCHEMA_VERSION + 1, 'from the future', new Date().toISOString());
    raw.close();
    let error: unknown;
    try {
      createSqliteStore({ path });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'StoreError', code: 'schema_too_new' });
  });

  it('reports a file that is not SQLite as corrupt', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = join(tempDir(), 'actions.db');
    writeFileSync(path, 'this is not a database, just text that is long enough to have a header'.repeat(20));
    expect(() => createSqliteStore({ path })).toThrow(expect.objectContaining({ code: 'corrupt' }));
  });

  it('finds ids by prefix with a primary-key range scan', async () => {
    const store = await open();
    await store.findByIdPrefix('ab', 1);
    const raw = new Database(String((await store.info()).location), { readonly: true });
    try {
      const plan = raw
        .prepare(
          `EXPLAIN QUERY PLAN SELECT id FROM actions
           WHERE id >= @prefix AND id < @upper AND substr(id, 1, length(@prefix)) = @prefix ORDER BY id LIMIT 3`,
        )
        .all({ prefix: 'ab', upper: 'ac' }) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(
        /SEARCH actions USING (COVERING )?INDEX sqlite_autoindex_actions_1 \(id>\? AND id<\?\)/,
      );
    } finally {
      raw.close();
    }
  });
});
