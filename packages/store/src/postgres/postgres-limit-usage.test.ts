import pg from 'pg';
import { expect, it } from 'vitest';
import { expectBackfilledUsage, SCHEMA_16_ROWS } from '../contract/limit-usage-backfill.test-support.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { describeWithPostgres } from './postgres-cluster.test-support.js';
import { createPostgresStore } from './postgres-store.js';

describeWithPostgres('postgres limit usage', (cluster) => {
  it('backfills the running totals of usage rows stored before them, so windows sum as before', async () => {
    const dsn = await (await cluster()).createDatabase();
    const store = createPostgresStore({ dsn });
    await store.migrate();
    await store.close();
    const client = new pg.Client({ connectionString: dsn });
    await client.connect();
    try {
      await client.query(`DROP FUNCTION limit_usage_write(json, json);
        DROP FUNCTION limit_usage_count(text, double precision, text);
        DROP INDEX limit_usage_totals; ALTER TABLE limit_usage DROP COLUMN running;
        CREATE INDEX limit_usage_window ON limit_usage (limit_key, counted_at) INCLUDE (amount)
          WHERE counted_at IS NOT NULL;
        DROP TABLE settings;
        DELETE FROM schema_migrations WHERE version >= 17`);
      for (const row of SCHEMA_16_ROWS) {
        await client.query(
          'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at) VALUES ($1, $2, $3, $4)',
          row,
        );
      }
    } finally {
      await client.end();
    }
    const reopened = createPostgresStore({ dsn });
    try {
      expect(await reopened.migrate()).toEqual({ from: 16, to: SCHEMA_VERSION });
      await expectBackfilledUsage(reopened);
    } finally {
      await reopened.close();
    }
  });
});
