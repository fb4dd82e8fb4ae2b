import type pg from 'pg';
import { SCHEMA_VERSION } from '../schema-version.js';
import { StoreError } from '../store.js';
import { MIGRATION_LOCK } from './advisory-locks.js';
import { POSTGRES_MIGRATIONS_01_08 } from './migrations/01-08.js';
import { POSTGRES_MIGRATIONS_09_14 } from './migrations/09-14.js';
import { POSTGRES_MIGRATIONS_15_19 } from './migrations/15-19.js';
import { POSTGRES_MIGRATIONS_20_24 } from './migrations/20-24.js';
import type { PostgresMigration } from './migrations/postgres-migration.js';

export type { PostgresMigration } from './migrations/postgres-migration.js';

/**
 * Every schema change, in order, one list per era in migrations/; the same versions as the SQLite
 * list. Never edit an applied migration: append one (to the newest era's file) and bump
 * SCHEMA_VERSION. Text columns use the "C" collation so that ordering (newest-first paging, id prefix
 * ranges) is bytewise, exactly as in SQLite, whatever the database's default locale. Timestamps stay
 * ISO 8601 text so they read back byte-identical (they are hashed).
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  ...POSTGRES_MIGRATIONS_01_08,
  ...POSTGRES_MIGRATIONS_09_14,
  ...POSTGRES_MIGRATIONS_15_19,
  ...POSTGRES_MIGRATIONS_20_24,
];

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at text NOT NULL
)`;

/** The highest applied version, 0 for a fresh database. */
export async function appliedVersion(client: pg.ClientBase | pg.Pool): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>(
    `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0
       ELSE (SELECT coalesce(max(version), 0) FROM schema_migrations) END AS version`,
  );
  return rows[0]?.version ?? 0;
}

/** Refuses a database migrated by a newer build: writing it with an older schema could corrupt it. */
export function assertNotTooNew(version: number, location: string): number {
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'schema_too_new',
      `${location} has schema version ${version}, but this build knows only up to ${SCHEMA_VERSION}; upgrade Faramesh`,
    );
  }
  return version;
}

/**
 * Applies pending migrations in one transaction (PostgreSQL DDL is transactional) under an advisory
 * lock, so replicas starting together apply each migration once: the others wait, then find nothing
 * left to do.
 */
export async function migratePostgres(
  client: pg.ClientBase,
  location: string,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<{ from: number; to: number }> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', MIGRATION_LOCK);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const from = assertNotTooNew(await appliedVersion(client), location);
    let to = from;
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      to = migration.version;
    }
    await client.query('COMMIT');
    return { from, to };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
