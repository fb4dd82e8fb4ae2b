import pg from 'pg';
import { expect, it } from 'vitest';
import { newEvents, sampleAction } from '../store.contract.js';
import { describeWithPostgres } from './postgres-cluster.test-support.js';
import { actionWhere } from './postgres-list-query.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { createPostgresStore } from './postgres-store.js';

describeWithPostgres('postgres search index', (cluster) => {
  it('indexes the actions written before the search migration when it runs', async () => {
    const dsn = await (await cluster()).createDatabase();
    const raw = new pg.Client({ connectionString: dsn });
    await raw.connect();
    try {
      await migratePostgres(raw, 'test', POSTGRES_MIGRATIONS.slice(0, 1));
    } finally {
      await raw.end();
    }
    const store = createPostgresStore({ dsn });
    try {
      const old = await store.createAction({
        action: sampleAction({ params: { cmd: 'kubectl drain node-1' }, context: { ticket: 'OPS-7' } }),
        events: newEvents('created'),
      });
      expect(await store.migrate()).toEqual({ from: 1, to: 2 });
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
