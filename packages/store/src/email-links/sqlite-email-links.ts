import type Database from 'better-sqlite3';
import { EMAIL_LINK_COLUMNS, type EmailLinkStore, emailLinkRow, rowToEmailLinkUse } from './email-link-store.js';

const SELECT = EMAIL_LINK_COLUMNS.join(', ');
// The primary key makes the first insert win; a second use of the same link changes nothing.
const USE = `INSERT INTO email_link_uses (${SELECT}) VALUES (${EMAIL_LINK_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (link_id) DO NOTHING`;

/** `store.emailLinks` on SQLite: reads run directly, writes through the group-commit queue. */
export function createSqliteEmailLinks(
  sql: (text: string) => Database.Statement,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(doing: string, run: () => T) => Promise<T>,
): EmailLinkStore {
  return {
    async use(use) {
      return write('recording an email link use', () => sql(USE).run(...emailLinkRow(use)).changes === 1);
    },
    async get(linkId) {
      return read('reading an email link use', () => {
        const row = sql(`SELECT ${SELECT} FROM email_link_uses WHERE link_id = ?`).get(linkId) as
          | Parameters<typeof rowToEmailLinkUse>[0]
          | undefined;
        return row === undefined ? null : rowToEmailLinkUse(row);
      });
    },
    async deleteExpired(at, limit) {
      return write(
        'sweeping expired email link uses',
        () =>
          sql(
            `DELETE FROM email_link_uses WHERE link_id IN (
               SELECT link_id FROM email_link_uses WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
          ).run(at, Math.max(0, limit)).changes,
      );
    },
  };
}
