import type pg from 'pg';
import { SCHEMA_VERSION } from '../schema-version.js';
import { StoreError } from '../store.js';
import { MIGRATION_LOCK } from './advisory-locks.js';

export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every schema change, in order; the same versions as the SQLite list. Never edit an applied
 * migration: append one and bump SCHEMA_VERSION. Text columns use the "C" collation so that ordering
 * (newest-first paging, id prefix ranges) is bytewise, exactly as in SQLite, whatever the database's
 * default locale. Timestamps stay ISO 8601 text so they read back byte-identical (they are hashed).
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'actions and hash-chained ledger',
    sql: `
      CREATE TABLE actions (
        id text COLLATE "C" PRIMARY KEY,
        agent_id text COLLATE "C" NOT NULL,
        tool text COLLATE "C" NOT NULL,
        operation text COLLATE "C" NOT NULL,
        params text NOT NULL,
        context text NOT NULL,
        status text COLLATE "C" NOT NULL,
        decision text NOT NULL,
        reason text,
        reason_code text NOT NULL,
        risk_level text COLLATE "C" NOT NULL,
        risk_rule text,
        matched_rule text,
        policy_version text NOT NULL,
        policy_hash text NOT NULL,
        request_hash text NOT NULL,
        approval_token text,
        approval_expires_at text COLLATE "C",
        approval_decided_by text,
        approval_decided_at text,
        approval_reason text,
        submitted_by text COLLATE "C",
        idempotency_key text COLLATE "C",
        started_at text,
        finished_at text,
        result_error text,
        created_at text COLLATE "C" NOT NULL,
        updated_at text NOT NULL,
        version integer NOT NULL
      );
      CREATE INDEX actions_newest ON actions (created_at DESC, id DESC);
      CREATE INDEX actions_status_newest ON actions (status, created_at DESC, id DESC);
      CREATE INDEX actions_agent_newest ON actions (agent_id, created_at DESC, id DESC);
      CREATE INDEX actions_tool_newest ON actions (tool, created_at DESC, id DESC);
      -- A NULL submitter is one scope of its own, distinct from ''. (NULLS NOT DISTINCT needs PG 15.)
      CREATE UNIQUE INDEX actions_idempotency
        ON actions ((submitted_by IS NULL), (coalesce(submitted_by, '')), idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE INDEX actions_pending_expiry ON actions (approval_expires_at, id)
        WHERE status = 'pending_approval';

      -- seq is assigned by the writer holding the ledger lock (no sequence): no gaps, commit order.
      CREATE TABLE action_events (
        seq bigint PRIMARY KEY,
        id text COLLATE "C" NOT NULL UNIQUE,
        action_id text COLLATE "C" NOT NULL REFERENCES actions (id),
        event_type text NOT NULL,
        meta text NOT NULL,
        created_at text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        status text COLLATE "C" NOT NULL,
        action_snapshot text NOT NULL
      );
      CREATE INDEX action_events_action ON action_events (action_id, seq);
    `,
  },
  {
    version: 2,
    name: 'ledger high-water mark and checkpoints',
    sql: `
      -- The last seq ever assigned and its hash, updated with every append under the ledger lock:
      -- deleting the newest events can't make a seq be used twice. Seeded from the ledger as it is.
      CREATE TABLE ledger_head (
        id integer PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash text NOT NULL
      );
      INSERT INTO ledger_head (id, seq, hash)
        SELECT 1, coalesce(max(seq), 0),
          coalesce((SELECT hash FROM action_events ORDER BY seq DESC LIMIT 1), '${'0'.repeat(64)}')
        FROM action_events;
      CREATE TABLE ledger_checkpoints (
        id bigserial PRIMARY KEY,
        seq bigint NOT NULL,
        hash text NOT NULL,
        at text NOT NULL,
        key_id text,
        signature text
      );
      CREATE INDEX ledger_checkpoints_seq ON ledger_checkpoints (seq, id);
    `,
  },
  {
    version: 3,
    name: 'readiness probe',
    sql: `CREATE TABLE readiness_probe (id integer PRIMARY KEY CHECK (id = 1), probed_at text NOT NULL);`,
  },
  {
    version: 4,
    name: 'search index over params and context',
    // The rules are in search-text.ts; postgres-list-query.ts repeats this expression exactly, or the
    // planner can't use the index. Under the "C" collation ILIKE folds ASCII only, as SQLite does;
    // pg_trgm's own case folding only makes the index find a superset, which ILIKE rechecks.
    // pg_trgm ships with Debian's postgresql package and is a trusted extension (PostgreSQL 13+):
    // the database owner may create it. The index build is the backfill (maintenance_work_mem bounds it).
    sql: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE INDEX actions_search ON actions USING gin ((
        (agent_id || E'\\n' || tool || E'\\n' || operation || E'\\n' ||
          left(params, 4096) || E'\\n' || left(context, 4096)) COLLATE "C"
      ) gin_trgm_ops);
    `,
  },
  {
    version: 5,
    name: 'api tokens',
    sql: `
      CREATE TABLE api_tokens (
        id text COLLATE "C" PRIMARY KEY,
        name text COLLATE "C" NOT NULL,
        role text NOT NULL,
        groups text NOT NULL,
        agent_ids text,
        secret_hash text COLLATE "C" NOT NULL UNIQUE,
        prefix text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        created_by text NOT NULL,
        last_used_at text COLLATE "C",
        expires_at text COLLATE "C",
        revoked_at text,
        revoked_by text
      );
      CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
      CREATE INDEX api_tokens_created ON api_tokens (created_at, id);
    `,
  },
  {
    version: 6,
    name: 'login sessions',
    sql: `
      CREATE TABLE sessions (
        id_hash text COLLATE "C" PRIMARY KEY,
        subject text COLLATE "C" NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        groups text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        last_seen_at text NOT NULL,
        expires_at text NOT NULL,
        idle_expires_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX sessions_subject ON sessions (subject, created_at);
      CREATE INDEX sessions_idle_expiry ON sessions (idle_expires_at);
    `,
  },
  {
    version: 7,
    name: 'approval state of pending actions',
    // Text, not jsonb: the column holds canonical JSON that must read back byte-identical (hashed).
    sql: `
      ALTER TABLE actions ADD COLUMN approval text;
      CREATE INDEX actions_escalation_due ON actions (((approval::jsonb) ->> 'next_escalation_at'), id)
        WHERE status = 'pending_approval';
    `,
  },
  {
    version: 8,
    name: 'transactional outbox of notifications',
    // Written in the same transaction as the ledger event that causes each row (the write queue's
    // batch statement); replicas claim due rows with FOR UPDATE SKIP LOCKED under a lease.
    sql: `
      CREATE TABLE outbox (
        id text COLLATE "C" PRIMARY KEY,
        channel text NOT NULL,
        event_type text NOT NULL,
        action_id text COLLATE "C",
        payload text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL,
        next_attempt_at text COLLATE "C" NOT NULL,
        lease_owner text,
        lease_expires_at text COLLATE "C",
        last_error text,
        created_at text COLLATE "C" NOT NULL,
        updated_at text NOT NULL,
        delivered_at text
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'queued';
      CREATE INDEX outbox_action ON outbox (action_id) WHERE action_id IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'search indexed once per write batch; ascending newest-first indexes',
    // SQLite only: its FTS5 trigger became one insert per group commit, and its B-trees left pages
    // half empty when rows went in at the left edge of a descending index. PostgreSQL maintains its
    // GIN index itself. The version is kept so both stores report the same schema.
    sql: 'SELECT 1',
  },
  {
    version: 10,
    name: 'uses of one-time email approval links',
    // The primary key makes the first use of a link win across replicas (INSERT … ON CONFLICT DO NOTHING).
    sql: `
      CREATE TABLE email_link_uses (
        link_id text COLLATE "C" PRIMARY KEY,
        action_id text COLLATE "C" NOT NULL,
        identity text NOT NULL,
        decision text NOT NULL,
        used_at text NOT NULL,
        expires_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX email_link_uses_expiry ON email_link_uses (expires_at);
    `,
  },
  {
    version: 11,
    name: 'slack approval messages',
    // Where each action's Slack message was posted, so later changes of the action update it;
    // lock_owner/lock_expires_at serialize those updates across replicas.
    sql: `
      CREATE TABLE slack_messages (
        channel text COLLATE "C" NOT NULL,
        action_id text COLLATE "C" NOT NULL,
        slack_channel text NOT NULL,
        ts text NOT NULL,
        rendered_version integer NOT NULL,
        lock_owner text,
        lock_expires_at text COLLATE "C",
        created_at text NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (channel, action_id)
      );
    `,
  },
  {
    version: 12,
    name: 'ledger archives',
    sql: `
      CREATE TABLE ledger_archives (
        id bigserial PRIMARY KEY,
        first_seq bigint NOT NULL UNIQUE,
        last_seq bigint NOT NULL,
        prev_hash text NOT NULL,
        last_hash text NOT NULL,
        event_count bigint NOT NULL,
        first_at text NOT NULL,
        last_at text NOT NULL,
        removed_events bigint NOT NULL,
        removed_actions bigint NOT NULL,
        retained_events bigint NOT NULL,
        retained_digest text NOT NULL,
        archived_before text NOT NULL,
        archived_at text NOT NULL,
        segments text NOT NULL,
        key_id text,
        signature text
      );
    `,
  },
  {
    version: 13,
    name: 'shadow policy and its disagreements',
    // A disagreement is inserted by the write batch of its action (same transaction); the report
    // reads one shadow policy's rows in a time window. The shadow policy set through the API is one
    // row shared by every replica.
    sql: `
      CREATE TABLE shadow_disagreements (
        action_id text COLLATE "C" PRIMARY KEY,
        created_at text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        active_decision text NOT NULL,
        active_rule text,
        active_policy_hash text NOT NULL,
        shadow_decision text NOT NULL,
        shadow_rule text,
        shadow_reason text,
        shadow_reason_code text NOT NULL,
        shadow_risk_level text NOT NULL,
        shadow_policy_hash text COLLATE "C" NOT NULL
      );
      CREATE INDEX shadow_disagreements_window ON shadow_disagreements (shadow_policy_hash, created_at);
      CREATE TABLE shadow_policy (
        id integer PRIMARY KEY CHECK (id = 1),
        source text NOT NULL,
        hash text NOT NULL,
        set_by text,
        set_at text NOT NULL
      );
    `,
  },
  {
    version: 14,
    name: 'index of break-glass approvals',
    // Break-glass approvals and their reviews live in the approval JSON; the few actions that have
    // one are found through this partial index (the query repeats its expressions exactly).
    sql: `
      CREATE INDEX actions_break_glass ON actions ((((approval::jsonb) -> 'break_glass') ->> 'at') DESC, id DESC)
        WHERE ((approval::jsonb) -> 'break_glass') IS NOT NULL;
    `,
  },
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

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at text NOT NULL
)`;

/** The highest applied version, 0 for a fresh database. */
export async function appliedVersion(client: pg.ClientBase | pg.Pool): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>(
    `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0
       ELSE (SELECT coalesce(max(version), 0) FROM schema_migrations) END AS version`,
  );
  return rows[0]?.version ?? 0;
}

/** Refuses a database migrated by a newer build: writing it with an older schema could corrupt it. */
export function assertNotTooNew(version: number, location: string): number {
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'schema_too_new',
      `${location} has schema version ${version}, but this build knows only up to ${SCHEMA_VERSION}; upgrade Faramesh`,
    );
  }
  return version;
}

/**
 * Applies pending migrations in one transaction (PostgreSQL DDL is transactional) under an advisory
 * lock, so replicas starting together apply each migration once: the others wait, then find nothing
 * left to do.
 */
export async function migratePostgres(
  client: pg.ClientBase,
  location: string,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<{ from: number; to: number }> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', MIGRATION_LOCK);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const from = assertNotTooNew(await appliedVersion(client), location);
    let to = from;
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      to = migration.version;
    }
    await client.query('COMMIT');
    return { from, to };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
