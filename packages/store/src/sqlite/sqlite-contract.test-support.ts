import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { OpenedStore } from '../store.contract.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/** A SQLite store at `path` for the store contract; its cleanup closes it and removes `dir`. */
export function openedSqliteStore(
  dir: string,
  path: string,
  options: Omit<SqliteStoreOptions, 'path'> = {},
): OpenedStore {
  let current = createSqliteStore({ ...options, path });
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = createSqliteStore({ ...options, path });
      return current;
    },
    raw: async (text) => {
      const db = new Database(path);
      try {
        db.exec(text);
      } finally {
        db.close();
      }
    },
    cleanup: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
