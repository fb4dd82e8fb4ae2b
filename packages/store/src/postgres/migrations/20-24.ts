import type { PostgresMigration } from './postgres-migration.js';

/** Schemas from 20 (20 is SQLite only). */
export const POSTGRES_MIGRATIONS_20_24: readonly PostgresMigration[] = [
  {
    version: 20,
    name: 'search index without positions (detail=none)',
    // SQLite only: its FTS5 index drops trigram positions; pg_trgm's GIN index never kept any. The
    // version is kept so both stores report the same schema.
    sql: 'SELECT 1',
  },
  {
    version: 21,
    name: 'limit usage counted at the same instant carries totals in the order it was counted',
    // As on SQLite: a row counted at an instant that already has rows takes the bucket's total
    // there plus its amount and shifts only the rows counted after that instant; readers take the
    // largest running at an instant, which the index now orders (rows stored before share one
    // total per instant, which the same read gives). The readers are in postgres-limit-usage.ts.
    sql: `
      CREATE INDEX limit_usage_totals ON limit_usage (limit_key, counted_at, running) WHERE counted_at IS NOT NULL;
      DROP INDEX limit_usage_running;
      CREATE OR REPLACE FUNCTION limit_usage_count(p_key text, p_amount double precision, p_at text)
        RETURNS double precision LANGUAGE plpgsql AS $$
      DECLARE
        prior double precision;
      BEGIN
        SELECT running INTO prior FROM limit_usage
          WHERE limit_key = p_key AND counted_at <= p_at COLLATE "C"
          ORDER BY counted_at DESC, running DESC LIMIT 1;
        UPDATE limit_usage SET running = running + p_amount
          WHERE limit_key = p_key AND counted_at > p_at COLLATE "C";
        RETURN coalesce(prior, 0) + p_amount;
      END $$;
    `,
  },
  {
    version: 22,
    name: 'counted limit usage appended unindexed, moved into the index in sorted batches',
    // SQLite only: its usage rows wait in an unindexed table before they are moved into the index
    // in sorted batches. PostgreSQL writes each row's index entry into shared buffers and logs a
    // page image only on the first change after a checkpoint. The version keeps both schemas equal.
    sql: 'SELECT 1',
  },
  {
    version: 23,
    name: 'named settings every replica and restart agree on',
    // As on SQLite: one row per name, changed by compare-and-set (settings/postgres-settings.ts).
    sql: `
      CREATE TABLE settings (
        name text COLLATE "C" PRIMARY KEY,
        value text COLLATE "C" NOT NULL,
        set_at text NOT NULL
      );
    `,
  },
];
