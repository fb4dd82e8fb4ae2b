import type { Migration } from './migration.js';

/** Schemas 9–14: batched search indexing, email links, Slack messages, archives, shadow policy, break-glass. */
export const MIGRATIONS_09_14: readonly Migration[] = [
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
];
