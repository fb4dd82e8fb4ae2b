import type pg from 'pg';
import { guardedStatements } from '../postgres/postgres-errors.js';
import { EMAIL_LINK_COLUMNS, type EmailLinkStore, emailLinkRow, rowToEmailLinkUse } from './email-link-store.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

const SELECT = EMAIL_LINK_COLUMNS.join(', ');
// One statement: the primary key lets exactly one of any number of concurrent uses insert the row.
const USE = `INSERT INTO email_link_uses (${SELECT}) VALUES (${EMAIL_LINK_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (link_id) DO NOTHING RETURNING link_id`;

/** `store.emailLinks` on PostgreSQL: single statements outside the ledger's write queue. */
export function createPostgresEmailLinks(query: Query, assertOpen: () => void): EmailLinkStore {
  const run = guardedStatements(assertOpen);
  return {
    async use(use) {
      return run('recording an email link use', async () => (await query(USE, emailLinkRow(use))).length === 1);
    },
    async get(linkId) {
      return run('reading an email link use', async () => {
        const [row] = await query<Parameters<typeof rowToEmailLinkUse>[0]>(
          `SELECT ${SELECT} FROM email_link_uses WHERE link_id = $1`,
          [linkId],
        );
        return row === undefined ? null : rowToEmailLinkUse(row);
      });
    },
    async deleteExpired(at, limit) {
      return run(
        'sweeping expired email link uses',
        async () =>
          (
            await query(
              `DELETE FROM email_link_uses WHERE link_id IN (
                 SELECT link_id FROM email_link_uses WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)
               RETURNING link_id`,
              [at, Math.max(0, limit)],
            )
          ).length,
      );
    },
  };
}
