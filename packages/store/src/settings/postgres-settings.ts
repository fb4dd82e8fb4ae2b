import type pg from 'pg';
import { SETTING_COLUMNS, type SettingRecord, type SettingsStore } from './settings-store.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

const SELECT = `SELECT ${SETTING_COLUMNS.join(', ')} FROM settings WHERE name = $1`;
// Single statements: the primary key lets one of any number of concurrent first writes in, and an
// UPDATE that waited for another's row lock checks `value` again on the row that one committed.
const INSERT = `INSERT INTO settings (name, value, set_at) VALUES ($1, $2, $3)
  ON CONFLICT (name) DO NOTHING RETURNING name`;
const REPLACE = 'UPDATE settings SET value = $2, set_at = $3 WHERE name = $1 AND value = $4 RETURNING name';

/**
 * `store.settings` on PostgreSQL: single statements outside the ledger's write queue. Writes are
 * never retried: a compare-and-set cut after its COMMIT would report a failure the second time.
 */
export function createPostgresSettings(
  query: Query,
  read: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
  writeOnce: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
): SettingsStore {
  return {
    async get(name) {
      return read('reading a setting', async () => (await query<SettingRecord>(SELECT, [name]))[0] ?? null);
    },
    async compareAndSet({ name, expected, value, at }) {
      const [text, values] = expected === null ? [INSERT, [name, value, at]] : [REPLACE, [name, value, at, expected]];
      return writeOnce('writing a setting', async () => (await query(text, values)).length === 1);
    },
  };
}
