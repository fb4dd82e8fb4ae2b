import type { Migration } from './migration.js';

/** Schemas 1–8: the actions and their hash-chained ledger, tokens, sessions, approval state, the outbox. */
export const MIGRATIONS_01_08: readonly Migration[] = [
  {
    version: 1,
    name: 'actions and hash-chained ledger',
    sql: `
      CREATE TABLE actions (
        id TEXT PRIMARY KEY NOT NULL,
        agent_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        operation TEXT NOT NULL,
        params TEXT NOT NULL,
        context TEXT NOT NULL,
        status TEXT NOT NULL,
        decision TEXT NOT NULL,
        reason TEXT,
        reason_code TEXT NOT NULL,
        risk_level TEXT NOT NULL,
        risk_rule TEXT,
        matched_rule TEXT,
        policy_version TEXT NOT NULL,
        policy_hash TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        approval_token TEXT,
        approval_expires_at TEXT,
        approval_decided_by TEXT,
        approval_decided_at TEXT,
        approval_reason TEXT,
        submitted_by TEXT,
        idempotency_key TEXT,
        started_at TEXT,
        finished_at TEXT,
        result_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        -- The ledger positions of this action's events, a JSON array ("[7,8]"): listing them is a
        -- few rowid lookups, so the ledger needs no (action_id, seq) index, whose random keys
        -- cost a quarter of each submission's insert time.
        event_seqs TEXT NOT NULL
      );
      CREATE INDEX actions_newest ON actions (created_at DESC, id DESC);
      CREATE INDEX actions_status_newest ON actions (status, created_at DESC, id DESC);
      CREATE INDEX actions_agent_newest ON actions (agent_id, created_at DESC, id DESC);
      -- No tool index: tools are few, so a tool filter walks actions_newest and finds a page within a
      -- few hundred rows, and the list's total comes from ActionCounts; each index costs every insert.
      -- A NULL submitter is one scope of its own: the empty blob x'' never equals any text value.
      CREATE UNIQUE INDEX actions_idempotency ON actions (coalesce(submitted_by, x''), idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE INDEX actions_pending_expiry ON actions (approval_expires_at, id)
        WHERE status = 'pending_approval';

      CREATE TABLE action_events (
        -- Not AUTOINCREMENT: events are never deleted, so the rowid (max + 1) is already strictly
        -- increasing, without an extra sqlite_sequence write per event.
        seq INTEGER PRIMARY KEY,
        -- Not UNIQUE: ids are random UUIDs made by the server and nothing looks events up by id;
        -- a unique index on random keys cost more than half of each event insert.
        id TEXT NOT NULL,
        action_id TEXT NOT NULL REFERENCES actions (id),
        event_type TEXT NOT NULL,
        meta TEXT NOT NULL,
        created_at TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        -- The snapshot's status, copied out so the SSE status filter doesn't parse JSON per row.
        status TEXT NOT NULL,
        -- The action after the change. The events of one write share it: the first stores it, the
        -- others store NULL and point at that event with snapshot_seq (one ~1 KB text per write).
        action_snapshot TEXT,
        snapshot_seq INTEGER,
        CHECK ((action_snapshot IS NULL) <> (snapshot_seq IS NULL))
      );
    `,
  },
  {
    version: 2,
    name: 'ledger high-water mark and checkpoints',
    sql: `
      -- The last seq ever assigned and its hash, updated with every append: the next event takes
      -- seq + 1 from here, never from max(seq), so deleting the newest events can't make a seq be
      -- used twice, and the gap they leave is visible. Seeded from the ledger as it is now.
      CREATE TABLE ledger_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      );
      INSERT INTO ledger_head (id, seq, hash)
        SELECT 1, coalesce(max(seq), 0),
          coalesce((SELECT hash FROM action_events ORDER BY seq DESC LIMIT 1), '${'0'.repeat(64)}')
        FROM action_events;
      -- Signed statements "event seq had this hash": re-hashing or cutting the ledger at or below one
      -- is detected. Also appended to a file outside the database when configured.
      CREATE TABLE ledger_checkpoints (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        at TEXT NOT NULL,
        key_id TEXT,
        signature TEXT
      );
      CREATE INDEX ledger_checkpoints_seq ON ledger_checkpoints (seq, id);
    `,
  },
  {
    version: 3,
    name: 'readiness probe',
    // One row, rewritten by every readiness probe: a real committed write, so /ready sees a
    // read-only file or an I/O error the way a submission would (see Store.probeWrite).
    sql: `CREATE TABLE readiness_probe (id INTEGER PRIMARY KEY CHECK (id = 1), probed_at TEXT NOT NULL);`,
  },
  {
    version: 4,
    name: 'search index over params and context',
    // The rules are in search-text.ts. A contentless FTS5 trigram index (substring search) keeps only
    // the action id beside the index, not a copy of the text; SQLite's lower() folds ASCII only.
    // Filled by a trigger, so every writer (the store, the bench generator, a restore) indexes the
    // same text; search fields never change after insert, so there is no update trigger. The backfill
    // streams the existing rows (FTS5 flushes its in-memory terms every megabyte or so).
    sql: `
      CREATE VIRTUAL TABLE actions_search USING fts5(
        action_id UNINDEXED, text,
        content = '', contentless_unindexed = 1, columnsize = 0,
        tokenize = 'trigram case_sensitive 1'
      );
      CREATE TRIGGER actions_search_insert AFTER INSERT ON actions BEGIN
        INSERT INTO actions_search (action_id, text) VALUES (new.id, lower(
          new.agent_id || char(10) || new.tool || char(10) || new.operation || char(10) ||
          substr(new.params, 1, 4096) || char(10) || substr(new.context, 1, 4096)));
      END;
      INSERT INTO actions_search (action_id, text) SELECT id, lower(
          agent_id || char(10) || tool || char(10) || operation || char(10) ||
          substr(params, 1, 4096) || char(10) || substr(context, 1, 4096))
        FROM actions ORDER BY rowid;
    `,
  },
  {
    version: 5,
    name: 'api tokens',
    // Only a digest of each secret is kept; the unique digest index is the lookup of every request.
    // A name is unique among tokens not revoked, so revoking frees it for the person's next token.
    sql: `
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        groups TEXT NOT NULL,
        agent_ids TEXT,
        secret_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        last_used_at TEXT,
        expires_at TEXT,
        revoked_at TEXT,
        revoked_by TEXT
      );
      CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
      CREATE INDEX api_tokens_created ON api_tokens (created_at, id);
    `,
  },
  {
    version: 6,
    name: 'login sessions',
    // Dashboard sessions (OpenID Connect), keyed by a hash of the session id. Not part of the
    // ledger: rows come and go; who decided what is recorded in the ledger by name.
    sql: `
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY NOT NULL,
        subject TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        groups TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        idle_expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_subject ON sessions (subject, created_at);
      CREATE INDEX sessions_idle_expiry ON sessions (idle_expires_at);
    `,
  },
  {
    version: 7,
    name: 'approval state of pending actions',
    // The requirement an action was decided under, its decisions so far and the escalation steps
    // fired, as canonical JSON (NULL for actions that never needed approval). The escalation sweeper
    // finds due steps through an index on the JSON's next_escalation_at, pending actions only.
    sql: `
      ALTER TABLE actions ADD COLUMN approval TEXT;
      CREATE INDEX actions_escalation_due ON actions (json_extract(approval, '$.next_escalation_at'), id)
        WHERE status = 'pending_approval';
    `,
  },
  {
    version: 8,
    name: 'transactional outbox of notifications',
    // Written in the same transaction as the ledger event that causes each row; a worker claims due
    // rows under a lease (lease_owner, lease_expires_at) and marks them delivered or dead.
    sql: `
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY NOT NULL,
        channel TEXT NOT NULL,
        event_type TEXT NOT NULL,
        action_id TEXT,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT NOT NULL,
        lease_owner TEXT,
        lease_expires_at TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        delivered_at TEXT
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'queued';
      CREATE INDEX outbox_action ON outbox (action_id) WHERE action_id IS NOT NULL;
      CREATE INDEX outbox_newest ON outbox (created_at DESC, id DESC);
    `,
  },
];
