import { packUuidSql } from '../compact-ids.js';
import { compactLedger } from '../compact-ledger.js';
import { SEARCH_TABLE, SEARCH_TEXT } from '../search-batch.js';
import type { Migration } from './migration.js';

/** A GLOB pattern for 64 lowercase hex digits (a SHA-256 digest as packHash stores it as bytes). */
const HEX_DIGEST_GLOB = '[0-9a-f]'.repeat(64);

/** Schemas 15–19: standing grants, limit usage, the compact ledger and batched search indexing. */
export const MIGRATIONS_15_19: readonly Migration[] = [
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
