import type Database from 'better-sqlite3';
import { SETTING_COLUMNS, type SettingRecord, type SettingsStore } from './settings-store.js';

const SELECT = `SELECT ${SETTING_COLUMNS.join(', ')} FROM settings WHERE name = ?`;
// The primary key lets one first write in; the others change nothing.
const INSERT = 'INSERT INTO settings (name, value, set_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING';
const REPLACE = 'UPDATE settings SET value = ?, set_at = ? WHERE name = ? AND value = ?';

/**
 * `store.settings` on SQLite: reads run directly, writes through the group-commit queue. Another
 * process on the same file writes under SQLite's write lock, so the compare in each statement sees
 * its commit.
 */
export function createSqliteSettings(
  sql: (text: string) => Database.Statement,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(doing: string, run: () => T) => Promise<T>,
): SettingsStore {
  return {
    async get(name) {
      return read('reading a setting', () => (sql(SELECT).get(name) as SettingRecord | undefined) ?? null);
    },
    async compareAndSet({ name, expected, value, at }) {
      return write('writing a setting', () =>
        expected === null
          ? sql(INSERT).run(name, value, at).changes === 1
          : sql(REPLACE).run(value, at, name, expected).changes === 1,
      );
    },
  };
}
