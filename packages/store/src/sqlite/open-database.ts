import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { assertNotTooNew } from './migrations.js';
import { guarded } from './sqlite-errors.js';

export interface ConnectionSettings {
  location: string;
  synchronous: 'full' | 'normal';
  busyTimeoutMs: number;
}

/**
 * Opens one connection with the store's pragmas (WAL, synchronous, busy timeout, foreign keys) and
 * refuses a schema newer than this build. Both the reading connection and the writer's use it, since
 * `synchronous` is a per-connection setting.
 */
export function openDatabase(settings: ConnectionSettings): Database.Database {
  const { location } = settings;
  return guarded(`opening ${location}`, () => {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    const opened = new Database(location);
    try {
      opened.pragma('journal_mode = WAL');
      opened.pragma(`synchronous = ${settings.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      opened.pragma(`busy_timeout = ${settings.busyTimeoutMs}`);
      opened.pragma('foreign_keys = ON');
      assertNotTooNew(opened, location);
    } catch (error) {
      opened.close();
      throw error;
    }
    return opened;
  });
}
