import { StoreError } from '../store.js';

/**
 * Translates anything better-sqlite3 throws into a StoreError, so no raw driver error (with its
 * SQL text) crosses the store boundary. BUSY, FULL, IOERR, READONLY, CANTOPEN and a closed handle
 * all mean "the database can't answer now".
 */
export function toStoreError(error: unknown, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError('corrupt', `database is corrupt or not a SQLite file while ${doing} (${code})`, error);
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new StoreError('invalid_input', `constraint violated while ${doing} (${code})`, error);
  }
  const detail = code || (error instanceof Error ? error.message : String(error));
  return new StoreError('unavailable', `database unavailable while ${doing} (${detail})`, error);
}

/** Runs a synchronous database call and rethrows its failure as a StoreError. */
export function guarded<T>(doing: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw toStoreError(error, doing);
  }
}
