import { createPostgresStore, createSqliteStore, type Store } from '@faramesh/store';
import type { ServerConfig } from './config/config.js';

/**
 * Opens the configured store; a PostgreSQL that doesn't answer stops the start. SQLite checkpoints
 * its WAL from a worker thread; `warn` hears if that worker fails (the writer then checkpoints itself).
 */
export async function openStore(config: ServerConfig, warn: (message: string) => void = () => {}): Promise<Store> {
  if (config.dbBackend === 'postgres') {
    // resolveConfig refuses postgres without a DSN; this guards direct callers.
    const dsn = config.postgresDsn ?? '';
    const store = createPostgresStore({ dsn });
    try {
      await store.ping();
    } catch (error) {
      await store.close().catch(() => {});
      // Fail loudly at start: a configured PostgreSQL is never replaced by SQLite.
      throw Object.assign(
        new Error(`PostgreSQL is unreachable (${(error as Error).message}); refusing to start or fall back to SQLite`),
        { code: 'store_unavailable' },
      );
    }
    return store;
  }
  return createSqliteStore({
    path: config.sqlitePath,
    checkpointWorker: true,
    onCheckpointFailure: (error) => warn(`SQLite checkpoint worker: ${error.message}; checkpointing in the writer`),
  });
}
