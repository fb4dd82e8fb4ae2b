import type pg from 'pg';
import { guardedStatements } from '../postgres/postgres-errors.js';
import { SLACK_MESSAGE_COLUMNS, type SlackMessageRecord, type SlackMessageStore } from './slack-message-store.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** `store.slackMessages` on PostgreSQL: single statements outside the ledger's write queue. */
export function createPostgresSlackMessages(query: Query, assertOpen: () => void): SlackMessageStore {
  const run = guardedStatements(assertOpen);
  return {
    async add(record, at) {
      return run('recording a Slack message', async () => {
        const rows = await query(
          `INSERT INTO slack_messages (channel, action_id, slack_channel, ts, rendered_version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (channel, action_id) DO NOTHING RETURNING channel`,
          [record.channel, record.action_id, record.slack_channel, record.ts, record.rendered_version, at],
        );
        return rows.length === 1;
      });
    },

    async get(channel, actionId) {
      return run('reading a Slack message', async () => {
        const [row] = await query<SlackMessageRecord>(
          `SELECT ${SLACK_MESSAGE_COLUMNS} FROM slack_messages WHERE channel = $1 AND action_id = $2`,
          [channel, actionId],
        );
        return row ?? null;
      });
    },

    async lock(channel, actionId, { owner, at, until }) {
      return run('locking a Slack message', async () => {
        const [row] = await query<SlackMessageRecord>(
          `UPDATE slack_messages SET lock_owner = $1, lock_expires_at = $2, updated_at = $3
           WHERE channel = $4 AND action_id = $5 AND (lock_expires_at IS NULL OR lock_expires_at <= $3)
           RETURNING ${SLACK_MESSAGE_COLUMNS}`,
          [owner, until, at, channel, actionId],
        );
        return row ?? null;
      });
    },

    async unlock(channel, actionId, owner, { at, rendered_version }) {
      return run('unlocking a Slack message', async () => {
        const rows = await query(
          `UPDATE slack_messages SET lock_owner = NULL, lock_expires_at = NULL, updated_at = $1,
             rendered_version = greatest(rendered_version, coalesce($2, rendered_version))
           WHERE channel = $3 AND action_id = $4 AND lock_owner = $5 RETURNING channel`,
          [at, rendered_version, channel, actionId, owner],
        );
        return rows.length === 1;
      });
    },
  };
}
