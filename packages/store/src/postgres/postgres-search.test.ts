import pg from 'pg';
import { expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../schema-version.js';
import { newEvents, sampleAction } from '../store.contract.js';
import { describeWithPostgres } from './postgres-cluster.test-support.js';
import { actionWhere } from './postgres-list-query.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { createPostgresStore } from './postgres-store.js';

describeWithPostgres('postgres search index', (cluster) => {
  it('indexes the actions written before the search migration when it runs', async () => {
    const dsn = await (await cluster()).createDatabase();
    const first = createPostgresStore({ dsn });
    let old: Awaited<ReturnType<typeof first.createAction>>;
    try {
      await first.migrate();
      old = await first.createAction({
        action: sampleAction({ params: { cmd: 'kubectl drain node-1' }, context: { ticket: 'OPS-7' } }),
        events: newEvents('created'),
      });
    } finally {
      await first.close();
    }
    // Back to the rows as they were before the index existed (later migrations stay: the writer needs
    // their tables), then run the search migration's own SQL on them: the index build is the backfill.
    const raw = new pg.Client({ connectionString: dsn });
    await raw.connect();
    try {
      await raw.query('DROP INDEX actions_search');
      await raw.query(POSTGRES_MIGRATIONS.find((m) => m.name === 'search index over params and context')?.sql ?? '');
    } finally {
      await raw.end();
    }
    const store = createPostgresStore({ dsn });
    try {
      expect(await store.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      const found = async (q: string) => (await store.listActions({ filter: { q }, limit: 10 })).items.map((a) => a.id);
      expect(await found('KUBECTL drain')).toEqual([old.action.id]);
      expect(await found('ops-7')).toEqual([old.action.id]);
    } finally {
      await store.close();
    }
  });

  it('answers a search from the pg_trgm index (the query repeats the indexed expression exactly)', async () => {
    const dsn = await (await cluster()).createDatabase();
    const store = createPostgresStore({ dsn });
    await store.migrate();
    await store.close();
    const raw = new pg.Client({ connectionString: dsn });
    await raw.connect();
    try {
      await raw.query('SET enable_seqscan = off');
      for (const q of ['kubectl', 'echo "hi', 'deadbeef']) {
        const where = actionWhere({ q });
        const { rows } = await raw.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM actions WHERE ${where.sql}`,
          where.params,
        );
        expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('actions_search');
      }
    } finally {
      await raw.end();
    }
  });
});
