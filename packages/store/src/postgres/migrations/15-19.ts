import type { PostgresMigration } from './postgres-migration.js';

/** Schemas 15–19: standing grants and limit usage with running totals (18 and 19 are SQLite only). */
export const POSTGRES_MIGRATIONS_15_19: readonly PostgresMigration[] = [
  {
    version: 15,
    name: 'standing grants',
    // Grant rows change only inside write batches, under the ledger lock (postgres/grant-batch.ts),
    // so a use is checked and counted with no other writer in between, on every replica.
    sql: `
      CREATE TABLE grants (
        id text COLLATE "C" PRIMARY KEY,
        action_id text COLLATE "C" NOT NULL,
        tool text COLLATE "C" NOT NULL,
        operation text COLLATE "C" NOT NULL,
        scope text NOT NULL,
        high_risk boolean NOT NULL,
        creators text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        expires_at text COLLATE "C" NOT NULL,
        max_uses integer,
        uses integer NOT NULL DEFAULT 0,
        last_used_at text,
        revoked_at text,
        revoked_by text,
        revoke_reason text,
        expiry_recorded_at text
      );
      CREATE INDEX grants_live ON grants (tool, operation, expires_at) WHERE revoked_at IS NULL;
      CREATE INDEX grants_newest ON grants (created_at DESC, id DESC);
      CREATE INDEX grants_action ON grants (action_id);
      CREATE INDEX grants_expiry_due ON grants (expires_at) WHERE revoked_at IS NULL AND expiry_recorded_at IS NULL;
      ALTER TABLE actions ADD COLUMN grant_id text COLLATE "C";
    `,
  },
  {
    version: 16,
    name: 'usage of rate and budget limits',
    // As on SQLite: one row per limited action; a window's usage is one range of the covering index.
    sql: `
      CREATE TABLE limit_usage (
        action_id text COLLATE "C" NOT NULL,
        limit_key text COLLATE "C" NOT NULL,
        amount double precision NOT NULL,
        counted_at text COLLATE "C"
      );
      CREATE INDEX limit_usage_window ON limit_usage (limit_key, counted_at) INCLUDE (amount)
        WHERE counted_at IS NOT NULL;
      CREATE UNIQUE INDEX limit_usage_waiting ON limit_usage (action_id) WHERE counted_at IS NULL;
    `,
  },
  {
    version: 17,
    name: 'running totals of limit usage',
    // As on SQLite: a window's usage is two index seeks on `running`. limit_usage_count keeps the
    // totals: called (under the ledger lock) with a row about to count, it shifts the running of the
    // bucket's rows counted at or after it and returns the row's own running.
    sql: `
      ALTER TABLE limit_usage ADD COLUMN running double precision;
      UPDATE limit_usage AS u SET running = totals.running
        FROM (SELECT ctid AS id,
                sum(amount) OVER (PARTITION BY limit_key ORDER BY counted_at) AS running
              FROM limit_usage WHERE counted_at IS NOT NULL) AS totals
        WHERE u.ctid = totals.id;
      DROP INDEX limit_usage_window;
      CREATE INDEX limit_usage_running ON limit_usage (limit_key, counted_at) INCLUDE (running)
        WHERE counted_at IS NOT NULL;
      CREATE FUNCTION limit_usage_count(p_key text, p_amount double precision, p_at text)
        RETURNS double precision LANGUAGE plpgsql AS $$
      DECLARE
        prior double precision;
      BEGIN
        SELECT running INTO prior FROM limit_usage
          WHERE limit_key = p_key AND counted_at <= p_at COLLATE "C"
          ORDER BY counted_at DESC LIMIT 1;
        UPDATE limit_usage SET running = running + p_amount
          WHERE limit_key = p_key AND counted_at >= p_at COLLATE "C";
        RETURN coalesce(prior, 0) + p_amount;
      END $$;
      CREATE FUNCTION limit_usage_write(p_inserts json, p_counts json) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        r record;
        total double precision;
      BEGIN
        FOR r IN SELECT * FROM json_populate_recordset(NULL::limit_usage, p_inserts) LOOP
          total := CASE WHEN r.counted_at IS NULL THEN NULL
            ELSE limit_usage_count(r.limit_key, r.amount, r.counted_at) END;
          INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running)
            VALUES (r.action_id, r.limit_key, r.amount, r.counted_at, total);
        END LOOP;
        FOR r IN SELECT u.action_id, u.limit_key, u.amount, c.counted_at
            FROM json_populate_recordset(NULL::limit_usage, p_counts) AS c
            JOIN limit_usage AS u ON u.action_id = c.action_id AND u.counted_at IS NULL LOOP
          total := limit_usage_count(r.limit_key, r.amount, r.counted_at);
          UPDATE limit_usage SET counted_at = r.counted_at, running = total
            WHERE action_id = r.action_id AND counted_at IS NULL;
        END LOOP;
      END $$;
    `,
  },
  {
    version: 18,
    name: 'compact ledger: snapshots as patches of the action row, ids and hashes as bytes; leaner search index',
    // SQLite only: PostgreSQL keeps a whole snapshot per event and ids and hashes as text, as before.
    // The version is kept so both stores report the same schema.
    sql: 'SELECT 1',
  },
  {
    version: 19,
    name: 'search index in batches of SEARCH_INDEX_ROWS actions; the newer ones scanned',
    // SQLite only: pg_trgm's GIN index keeps its own pending list (fastupdate). The version is kept
    // so both stores report the same schema.
    sql: 'SELECT 1',
  },
];
