import type { Database } from 'better-sqlite3';
import { SCHEMA_VERSION } from '../schema-version.js';
import { StoreError } from '../store.js';
import { MIGRATIONS_01_08 } from './migrations/01-08.js';
import { MIGRATIONS_09_14 } from './migrations/09-14.js';
import { MIGRATIONS_15_19 } from './migrations/15-19.js';
import { MIGRATIONS_20_24 } from './migrations/20-24.js';
import type { Migration } from './migrations/migration.js';

export type { Migration } from './migrations/migration.js';

/**
 * Every schema change, in order, one list per era in migrations/. Never edit an applied migration:
 * append a new one (to the newest era's file) and bump SCHEMA_VERSION. Each runs in the same
 * transaction as its schema_migrations row.
 */
export const MIGRATIONS: readonly Migration[] = [
  ...MIGRATIONS_01_08,
  ...MIGRATIONS_09_14,
  ...MIGRATIONS_15_19,
  ...MIGRATIONS_20_24,
];

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/** The highest applied version, 0 for a fresh database. */
export function appliedVersion(db: Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

/** Refuses a database migrated by a newer build: reading it with an older schema could corrupt it. */
export function assertNotTooNew(db: Database, location: string): number {
  const version = appliedVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'schema_too_new',
      `${location} has schema version ${version}, but this build knows only up to ${SCHEMA_VERSION}; upgrade Faramesh`,
    );
  }
  return version;
}

/** Applies pending migrations in one IMMEDIATE transaction, so two processes can't both apply them. */
export function migrate(db: Database, location: string, migrations: readonly Migration[] = MIGRATIONS) {
  return db
    .transaction(() => {
      db.exec(CREATE_MIGRATIONS_TABLE);
      const from = assertNotTooNew(db, location);
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      let to = from;
      for (const migration of migrations) {
        if (migration.version <= from) continue;
        db.exec(migration.sql);
        migration.run?.(db);
        record.run(migration.version, migration.name, new Date().toISOString());
        to = migration.version;
      }
      return { from, to };
    })
    .immediate();
}
