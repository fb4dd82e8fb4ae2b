import type { Database } from 'better-sqlite3';

/** One SQLite schema change: its SQL, and optionally code run after it in the same transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction: for changes SQL alone can't make. */
  run?: (db: Database) => void;
}
