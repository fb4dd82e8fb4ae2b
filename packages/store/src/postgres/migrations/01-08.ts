import type { PostgresMigration } from './postgres-migration.js';

/** Schemas 1–8: the actions and their hash-chained ledger, tokens, sessions, approval state, the outbox. */
export const POSTGRES_MIGRATIONS_01_08: readonly PostgresMigration[] = [
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
];
