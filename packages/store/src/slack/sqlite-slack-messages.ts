import type Database from 'better-sqlite3';
import { SLACK_MESSAGE_COLUMNS, type SlackMessageRecord, type SlackMessageStore } from './slack-message-store.js';

const ONE = `SELECT ${SLACK_MESSAGE_COLUMNS} FROM slack_messages WHERE channel = ? AND action_id = ?`;

/** `store.slackMessages` on SQLite: reads run directly, writes through the group-commit queue. */
export function createSqliteSlackMessages(
  sql: (text: string) => Database.Statement,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(doing: string, run: () => T) => Promise<T>,
): SlackMessageStore {
  return {
    async add(record, at) {
      return write(
        'recording a Slack message',
        () =>
          sql(
            `INSERT INTO slack_messages (channel, action_id, slack_channel, ts, rendered_version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, action_id) DO NOTHING`,
          ).run(record.channel, record.action_id, record.slack_channel, record.ts, record.rendered_version, at, at)
            .changes === 1,
      );
    },

    async get(channel, actionId) {
      return read(
        'reading a Slack message',
        () => (sql(ONE).get(channel, actionId) as SlackMessageRecord | undefined) ?? null,
      );
    },

    async lock(channel, actionId, { owner, at, until }) {
      return write(
        'locking a Slack message',
        () =>
          (sql(
            `UPDATE slack_messages SET lock_owner = ?, lock_expires_at = ?, updated_at = ?
             WHERE channel = ? AND action_id = ? AND (lock_expires_at IS NULL OR lock_expires_at <= ?)
             RETURNING ${SLACK_MESSAGE_COLUMNS}`,
          ).get(owner, until, at, channel, actionId, at) as SlackMessageRecord | undefined) ?? null,
      );
    },

    async unlock(channel, actionId, owner, { at, rendered_version }) {
      return write(
        'unlocking a Slack message',
        () =>
          sql(
            `UPDATE slack_messages SET lock_owner = NULL, lock_expires_at = NULL, updated_at = ?,
               rendered_version = max(rendered_version, coalesce(?, rendered_version))
             WHERE channel = ? AND action_id = ? AND lock_owner = ?`,
          ).run(at, rendered_version, channel, actionId, owner).changes === 1,
      );
    },
  };
}
