import type { Database } from 'better-sqlite3';
import { SCHEMA_VERSION } from '../schema-version.js';
import { StoreError } from '../store.js';
import { packUuidSql } from './compact-ids.js';
import { compactLedger } from './compact-ledger.js';
import { SEARCH_TABLE, SEARCH_TEXT } from './search-batch.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction: for changes SQL alone can't make. */
  run?: (db: Database) => void;
}

/** A GLOB pattern for 64 lowercase hex digits (a SHA-256 digest as packHash stores it as bytes). */
const HEX_DIGEST_GLOB = '[0-9a-f]'.repeat(64);

/**
 * Every schema change, in order. Never edit an applied migration: append a new one and bump
 * SCHEMA_VERSION. Each runs in the same transaction as its schema_migrations row.
 */
export const MIGRATIONS: readonly Migration[] = [
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
  {
    version: 9,
    name: 'search indexed once per write batch; ascending newest-first indexes',
    // The writer indexes each group commit's new actions for search with one INSERT … SELECT
    // (search-batch.ts): the per-row trigger made FTS5 write a segment per action.
    // The newest-first indexes become ascending: SQLite walks them backwards for ORDER BY … DESC just
    // as fast, and new rows then append at the right edge, where a full page is left full, instead of
    // at the left edge, where every split left two half-empty pages (420 → 256 bytes per action).
    sql: `
      DROP TRIGGER IF EXISTS actions_search_insert;
      DROP INDEX actions_newest;
      DROP INDEX actions_status_newest;
      DROP INDEX actions_agent_newest;
      CREATE INDEX actions_newest ON actions (created_at, id);
      CREATE INDEX actions_status_newest ON actions (status, created_at, id);
      CREATE INDEX actions_agent_newest ON actions (agent_id, created_at, id);
    `,
  },
  {
    version: 10,
    name: 'uses of one-time email approval links',
    // One row per used link id (its primary key makes the first use win); rows of expired links
    // are swept, since the signature check refuses those links anyway.
    sql: `
      CREATE TABLE email_link_uses (
        link_id TEXT PRIMARY KEY NOT NULL,
        action_id TEXT NOT NULL,
        identity TEXT NOT NULL,
        decision TEXT NOT NULL,
        used_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX email_link_uses_expiry ON email_link_uses (expires_at);
    `,
  },
  {
    version: 11,
    name: 'slack approval messages',
    // Where each action's Slack message was posted (conversation and ts), so later changes of the
    // action update it; lock_owner/lock_expires_at serialize those updates across replicas.
    sql: `
      CREATE TABLE slack_messages (
        channel TEXT NOT NULL,
        action_id TEXT NOT NULL,
        slack_channel TEXT NOT NULL,
        ts TEXT NOT NULL,
        rendered_version INTEGER NOT NULL,
        lock_owner TEXT,
        lock_expires_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, action_id)
      );
    `,
  },
  {
    version: 12,
    name: 'ledger archives',
    // One row per archive run (ledger-archive.ts): the stretch of the chain written to segment files
    // and removed, and what the remaining ledger chains to. first_seq is unique, so two archivers
    // can't both commit the same stretch.
    sql: `
      CREATE TABLE ledger_archives (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        first_seq INTEGER NOT NULL UNIQUE,
        last_seq INTEGER NOT NULL,
        prev_hash TEXT NOT NULL,
        last_hash TEXT NOT NULL,
        event_count INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL,
        removed_events INTEGER NOT NULL,
        removed_actions INTEGER NOT NULL,
        retained_events INTEGER NOT NULL,
        retained_digest TEXT NOT NULL,
        archived_before TEXT NOT NULL,
        archived_at TEXT NOT NULL,
        segments TEXT NOT NULL,
        key_id TEXT,
        signature TEXT
      );
    `,
  },
  {
    version: 13,
    name: 'shadow policy and its disagreements',
    // A disagreement is inserted in the same transaction as its action; the report reads one shadow
    // policy's rows in a time window. The shadow policy set through the API is one row.
    sql: `
      CREATE TABLE shadow_disagreements (
        action_id TEXT PRIMARY KEY NOT NULL,
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        active_decision TEXT NOT NULL,
        active_rule TEXT,
        active_policy_hash TEXT NOT NULL,
        shadow_decision TEXT NOT NULL,
        shadow_rule TEXT,
        shadow_reason TEXT,
        shadow_reason_code TEXT NOT NULL,
        shadow_risk_level TEXT NOT NULL,
        shadow_policy_hash TEXT NOT NULL
      );
      CREATE INDEX shadow_disagreements_window ON shadow_disagreements (shadow_policy_hash, created_at);
      CREATE TABLE shadow_policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        source TEXT NOT NULL,
        hash TEXT NOT NULL,
        set_by TEXT,
        set_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 14,
    name: 'index of break-glass approvals',
    // Break-glass approvals and their mandatory reviews live in the approval JSON (written with the
    // approval's own ledger event); this partial index finds the few actions that have one.
    sql: `
      CREATE INDEX actions_break_glass ON actions (json_extract(approval, '$.break_glass.at') DESC, id DESC)
        WHERE json_extract(approval, '$.break_glass.at') IS NOT NULL;
    `,
  },
  {
    version: 15,
    name: 'standing grants',
    // A grant changes only in the transaction of a ledger event (grants/grant-store.ts); uses are
    // counted by one conditional UPDATE. `grants_live` serves the submit path's lookup by tool and
    // operation; `grant_id` on actions names the grant that allowed an action (NULL otherwise).
    sql: `
      CREATE TABLE grants (
        id TEXT PRIMARY KEY NOT NULL,
        action_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        operation TEXT NOT NULL,
        scope TEXT NOT NULL,
        high_risk INTEGER NOT NULL,
        creators TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        max_uses INTEGER,
        uses INTEGER NOT NULL DEFAULT 0,
        last_used_at TEXT,
        revoked_at TEXT,
        revoked_by TEXT,
        revoke_reason TEXT,
        expiry_recorded_at TEXT
      );
      CREATE INDEX grants_live ON grants (tool, operation, expires_at) WHERE revoked_at IS NULL;
      CREATE INDEX grants_newest ON grants (created_at DESC, id DESC);
      CREATE INDEX grants_action ON grants (action_id);
      CREATE INDEX grants_expiry_due ON grants (expires_at) WHERE revoked_at IS NULL AND expiry_recorded_at IS NULL;
      ALTER TABLE actions ADD COLUMN grant_id TEXT;
    `,
  },
  {
    version: 16,
    name: 'usage of rate and budget limits',
    // One row per action a rule's limit applies to (limit-usage.ts): its bucket, what it uses and
    // when it started counting (NULL while it waits for approval). A window's usage is one range of
    // the covering index, which holds only counted rows: the actions table is never scanned. No
    // index on the random action ids of every row (a B-tree insert at a random place per submission):
    // only waiting rows, the ones an approval looks up, are indexed by action.
    sql: `
      CREATE TABLE limit_usage (
        action_id TEXT NOT NULL,
        limit_key TEXT NOT NULL,
        amount REAL NOT NULL,
        counted_at TEXT
      );
      CREATE INDEX limit_usage_window ON limit_usage (limit_key, counted_at, amount) WHERE counted_at IS NOT NULL;
      CREATE UNIQUE INDEX limit_usage_waiting ON limit_usage (action_id) WHERE counted_at IS NULL;
    `,
  },
  {
    version: 17,
    name: 'running totals of limit usage',
    // A window's usage in two index seeks whatever the number of rows in it (limit-usage.ts): each
    // counted row carries `running`, its bucket's total over every row counted at or before its
    // counted_at, so the usage after `since` is the newest row's running minus the running of the
    // newest row counted at or before `since`. Backfilled with the same inclusive order.
    sql: `
      ALTER TABLE limit_usage ADD COLUMN running REAL;
      UPDATE limit_usage SET running = totals.running
        FROM (SELECT rowid AS id,
                sum(amount) OVER (PARTITION BY limit_key ORDER BY counted_at) AS running
              FROM limit_usage WHERE counted_at IS NOT NULL) AS totals
        WHERE limit_usage.rowid = totals.id;
      DROP INDEX limit_usage_window;
      CREATE INDEX limit_usage_running ON limit_usage (limit_key, counted_at, running) WHERE counted_at IS NOT NULL;
    `,
  },
  {
    version: 18,
    name: 'compact ledger: snapshots as patches of the action row, ids and hashes as bytes; leaner search index',
    // An event's snapshot repeated its action row (~900 of ~1,800 bytes per action); it is now the
    // row's fixed fields plus a patch of the fields that change (snapshot-patch.ts), and UUIDs and
    // hex digests are stored as bytes (compact-ids.ts). compactLedger rewrites every event, checking
    // each rebuilt snapshot byte for byte; it took 11 s for 100,000 actions (about two minutes per million), and the old
    // table's pages are reused by later writes (VACUUM returns them to the file system).
    // The search index is rebuilt with the text as its first column (search-batch.ts), under a new
    // name: FTS5 leaves a contentless_unindexed table's _content table behind on DROP (emptied first
    // here) and won't create a table of the same name while it exists.
    sql: `
      INSERT INTO actions_search (actions_search) VALUES ('delete-all');
      DROP TABLE actions_search;
      CREATE VIRTUAL TABLE ${SEARCH_TABLE} USING fts5(
        text, action_id UNINDEXED,
        content = '', contentless_unindexed = 1, columnsize = 0,
        tokenize = 'trigram case_sensitive 1'
      );
      INSERT INTO ${SEARCH_TABLE} (action_id, text)
        SELECT ${packUuidSql('id')}, lower${SEARCH_TEXT} FROM actions ORDER BY rowid;
      -- The actions row as storedActionRow (row-mapping.ts) writes it: digests as bytes, and '' for an
      -- updated_at that equals created_at.
      UPDATE actions SET
        policy_hash = iif(policy_hash GLOB '${HEX_DIGEST_GLOB}', unhex(policy_hash), policy_hash),
        request_hash = iif(request_hash GLOB '${HEX_DIGEST_GLOB}', unhex(request_hash), request_hash),
        updated_at = iif(updated_at = created_at, '', updated_at);
      -- The agent index without the id: SQLite sorts the few rows of one created_at by id (89 → 47
      -- bytes per action). actions_newest and actions_status_newest keep it: tool, risk and search
      -- filters walk them and probe rows without reading them (a status + search page at 100,000
      -- actions took 4× as long without it), and offsets skip rows unread.
      DROP INDEX actions_agent_newest;
      CREATE INDEX actions_agent_newest ON actions (agent_id, created_at);
    `,
    run: compactLedger,
  },
  {
    version: 19,
    name: 'search index in batches of SEARCH_INDEX_ROWS actions; the newer ones scanned',
    // The writer indexed every group commit's actions (64 or fewer), and FTS5's segment per insert
    // and its merges cost 16 µs per action; the tail above `upto` is now indexed once it is
    // SEARCH_INDEX_ROWS long and scanned by searches until then (search-batch.ts). Every action
    // is indexed at schema 18.
    sql: `
      CREATE TABLE search_indexed (id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL);
      INSERT INTO search_indexed (id, upto) VALUES (1, coalesce((SELECT max(rowid) FROM actions), 0));
    `,
  },
];

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/** The highest applied version, 0 for a fresh database. */
export function appliedVersion(db: Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

/** Refuses a database migrated by a newer build: reading it with an older schema could corrupt it. */
export function assertNotTooNew(db: Database, location: string): number {
  const version = appliedVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'schema_too_new',
      `${location} has schema version ${version}, but this build knows only up to ${SCHEMA_VERSION}; upgrade Faramesh`,
    );
  }
  return version;
}

/** Applies pending migrations in one IMMEDIATE transaction, so two processes can't both apply them. */
export function migrate(db: Database, location: string, migrations: readonly Migration[] = MIGRATIONS) {
  return db
    .transaction(() => {
      db.exec(CREATE_MIGRATIONS_TABLE);
      const from = assertNotTooNew(db, location);
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      let to = from;
      for (const migration of migrations) {
        if (migration.version <= from) continue;
        db.exec(migration.sql);
        migration.run?.(db);
        record.run(migration.version, migration.name, new Date().toISOString());
        to = migration.version;
      }
      return { from, to };
    })
    .immediate();
}
