import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { describeStoreContract, expectStoreError, newEvents, sampleAction } from '../store.contract.js';
import type { Store } from '../store.js';
import { describeWithPostgres } from './postgres-cluster.test-support.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { type CommitStats, createPostgresStore, type PostgresStoreOptions } from './postgres-store.js';

describeWithPostgres('postgres store', (cluster) => {
  describeStoreContract(
    'postgres',
    async () => {
      const dsn = await (await cluster()).createDatabase();
      let current = createPostgresStore({ dsn });
      return {
        store: current,
        reopen: async () => {
          await current.close();
          current = createPostgresStore({ dsn });
          return current;
        },
        raw: async (text) => {
          const client = new pg.Client({ connectionString: dsn });
          await client.connect();
          try {
            await client.query(text);
          } finally {
            await client.end();
          }
        },
        cleanup: async () => {
          await current.close();
        },
      };
    },
    { durable: true },
  );

  const stores: Store[] = [];
  const open = async (options: Partial<PostgresStoreOptions> = {}, dsn?: string) => {
    const store = createPostgresStore({ dsn: dsn ?? (await (await cluster()).createDatabase()), ...options });
    stores.push(store);
    await store.migrate();
    return store;
  };
  const write = (store: Store) => store.createAction({ action: sampleAction(), events: newEvents('created') });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it('reports backend, schema version and durability settings, never the password', async () => {
    const { port } = await cluster();
    const dsn = (await (await cluster()).createDatabase('with_password')).replace('postgres@', 'postgres:hunter2@');
    const info = await (await open({}, dsn)).info();
    expect(info).toMatchObject({
      backend: 'postgres',
      schema_version: SCHEMA_VERSION,
      durability: { synchronous_commit: 'on', fsync: 'on', full_page_writes: 'on' },
      location: `postgres://postgres@127.0.0.1:${port}/with_password`,
    });
    expect(JSON.stringify(info)).not.toContain('hunter2');
  });

  it('ends the migration list at SCHEMA_VERSION with increasing versions', () => {
    // Branches take numbers ahead of the merge (this one 20), which closes the gaps.
    const versions = POSTGRES_MIGRATIONS.map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions.at(-1)).toBe(SCHEMA_VERSION);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('applies migrations once when several replicas migrate at the same moment', async () => {
    const dsn = await (await cluster()).createDatabase();
    const replicas = Array.from({ length: 5 }, () => createPostgresStore({ dsn, poolSize: 2 }));
    stores.push(...replicas);
    const results = await Promise.all(replicas.map((store) => store.migrate()));
    expect(results.filter((r) => r.from === 0 && r.to === SCHEMA_VERSION)).toHaveLength(1);
    expect(results.filter((r) => r.from === SCHEMA_VERSION)).toHaveLength(4);
  });

  it('refuses a database migrated by a newer build', async () => {
    const dsn = await (await cluster()).createDatabase();
    await open({}, dsn);
    const raw = new pg.Client({ connectionString: dsn });
    await raw.connect();
    await raw.query("INSERT INTO schema_migrations VALUES ($1, 'from the future', 'now')", [SCHEMA_VERSION + 1]);
    await raw.end();
    const store = createPostgresStore({ dsn });
    stores.push(store);
    await expectStoreError(store.migrate(), 'schema_too_new');
    await expectStoreError(store.info(), 'schema_too_new');
  });

  it('shares one commit among concurrent writes', async () => {
    const batches: CommitStats[] = [];
    const store = await open({ onCommit: (stats) => batches.push(stats) });
    const results = await Promise.all(Array.from({ length: 200 }, () => write(store)));
    expect(results.every((r) => r.created)).toBe(true);
    expect(batches.reduce((n, b) => n + b.ops, 0)).toBe(200);
    expect(batches.length).toBeLessThanOrEqual(5);
    expect(verifyLedger(await store.eventsAfter(0, 1000))).toEqual({ ok: true });
  });

  it('inserts an action created and changed within one batch once, in its final state', async () => {
    const batches: CommitStats[] = [];
    const store = await open({ onCommit: (stats) => batches.push(stats) });
    const action = sampleAction({ status: 'pending_approval' });
    const [created, approved] = await Promise.all([
      store.createAction({ action, events: newEvents('created') }),
      store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'approved' },
        events: newEvents('approved'),
        at: action.created_at,
      }),
    ]);
    expect(batches).toEqual([expect.objectContaining({ ops: 2, committed: true })]);
    expect(created.action.version).toBe(1);
    expect(approved.action).toMatchObject({ status: 'approved', version: 2 });
    expect(await store.getAction(action.id)).toEqual(approved.action);
    expect((await store.listEvents(action.id)).map((e) => e.action.status)).toEqual(['pending_approval', 'approved']);
  });

  it('fails only the write with a repeated event id, not the rest of its batch', async () => {
    const store = await open();
    const first = await write(store);
    const reused = [{ id: first.events[0]!.id, event_type: 'created', meta: {} }];
    const [bad, good] = await Promise.allSettled([
      store.createAction({ action: sampleAction(), events: reused }),
      write(store),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'invalid_input' } });
    expect(good.status).toBe('fulfilled');
    expect(verifyLedger(await store.eventsAfter(0, 100))).toEqual({ ok: true });
  });

  it('keeps one gap-free ledger in commit order across stores writing at once', async () => {
    const dsn = await (await cluster()).createDatabase();
    const [a, b, reader] = [await open({}, dsn), await open({}, dsn), await open({}, dsn)];
    let writing = true;
    const writers = [a, b].map(async (store) => {
      for (let i = 0; i < 30; i++) await Promise.all(Array.from({ length: 8 }, () => write(store)));
    });
    // A reader that has seen seq N must never later see a new seq <= N: every read continues the last.
    let seen = 0;
    const reading = (async () => {
      while (writing) {
        const events = await reader.eventsAfter(0, 100_000);
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
        expect(events.length).toBeGreaterThanOrEqual(seen);
        seen = events.length;
      }
    })();
    await Promise.all(writers);
    writing = false;
    await reading;
    const all = await reader.eventsAfter(0, 100_000);
    expect(all).toHaveLength(480);
    expect(verifyLedger(all)).toEqual({ ok: true });
  });

  it('finds ids by prefix with a primary-key range scan', async () => {
    const dsn = await (await cluster()).createDatabase();
    await open({}, dsn);
    const raw = new pg.Client({ connectionString: dsn });
    await raw.connect();
    try {
      await raw.query('SET enable_seqscan = off');
      const { rows } = await raw.query(
        `EXPLAIN SELECT id FROM actions WHERE id >= $1 AND id < $2 AND left(id, length($1)) = $1 ORDER BY id LIMIT 3`,
        ['ab', 'ac'],
      );
      const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index (Only )?Scan using actions_pkey/);
      expect(plan).toMatch(/Index Cond: \(\(id >= 'ab'::text\) AND \(id < 'ac'::text\)\)/);
    } finally {
      await raw.end();
    }
  });

  it('fails as unavailable when the database cannot be reached', async () => {
    const store = createPostgresStore({ dsn: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 1000 });
    stores.push(store);
    const error = await expectStoreError(store.ping(), 'unavailable');
    expect(error.message).toContain('127.0.0.1:1/none');
    await expectStoreError(store.migrate(), 'unavailable');
    await expectStoreError(write(store), 'unavailable');
  });

  it('wakes a watcher on another store instance with the new head seq', async () => {
    const dsn = await (await cluster()).createDatabase();
    const [a, b] = [await open({}, dsn), await open({}, dsn)];
    const seen: (number | null)[] = [];
    const unwatch = a.watch!((seq) => seen.push(seq));
    await expect.poll(() => seen.includes(null)).toBe(true);
    const { events } = await write(b);
    await expect.poll(() => seen.includes(events.at(-1)!.seq)).toBe(true);
    unwatch();
  });

  it('listens again after its connection is cut and wakes the watcher then', async () => {
    const dsn = await (await cluster()).createDatabase();
    const [a, b] = [await open({}, dsn), await open({}, dsn)];
    const seen: (number | null)[] = [];
    a.watch!((seq) => seen.push(seq));
    await expect.poll(() => seen.length).toBe(1);
    const admin = new pg.Client({ connectionString: dsn });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN faramesh_ledger' AND pid <> pg_backend_pid()",
    );
    await admin.end();
    await expect.poll(() => seen.filter((s) => s === null).length, { timeout: 5000 }).toBe(2);
    const { events } = await write(b);
    await expect.poll(() => seen.includes(events.at(-1)!.seq)).toBe(true);
  });
});
