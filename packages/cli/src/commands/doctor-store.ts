import { existsSync } from 'node:fs';
import type { ServerConfig } from '@faramesh/server';
import type { Store } from '@faramesh/store';

export type DoctorStoreConfig = Pick<ServerConfig, 'dbBackend' | 'sqlitePath' | 'postgresDsn'>;

/**
 * Runs `read` on the configured database, or answers null when it can't say: the SQLite file doesn't
 * exist yet, the schema isn't this build's (serve migrates it), or the database fails. The store is
 * closed afterwards either way.
 */
export async function readDoctorStore<T>(
  config: DoctorStoreConfig,
  read: (store: Store) => Promise<T>,
): Promise<T | null> {
  if (config.dbBackend === 'sqlite' && !existsSync(config.sqlitePath)) return null;
  const { createPostgresStore, createSqliteStore, SCHEMA_VERSION } = await import('@faramesh/store');
  const store =
    config.dbBackend === 'postgres'
      ? createPostgresStore({ dsn: config.postgresDsn ?? '', poolSize: 1, connectTimeoutMs: 3000 })
      : createSqliteStore({ path: config.sqlitePath });
  try {
    if ((await store.info()).schema_version !== SCHEMA_VERSION) return null;
    return await read(store);
  } catch {
    return null;
  } finally {
    await store.close().catch(() => {});
  }
}
