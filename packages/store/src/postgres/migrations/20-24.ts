import type { PostgresMigration } from './postgres-migration.js';

/** Schemas from 20 (20 is SQLite only). */
export const POSTGRES_MIGRATIONS_20_24: readonly PostgresMigration[] = [
  {
    version: 20,
    name: 'search index without positions (detail=none)',
    // SQLite only: its FTS5 index drops trigram positions; pg_trgm's GIN index never kept any. The
    // version is kept so both stores report the same schema.
    sql: 'SELECT 1',
  },
];
