import type { PostgresMigration } from './postgres-migration.js';

/** Schemas 9–14: email links, Slack messages, archives, shadow policy, break-glass (9 is SQLite only). */
export const POSTGRES_MIGRATIONS_09_14: readonly PostgresMigration[] = [
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
];
