import { StoreError } from '../store.js';

/** SQLSTATE classes and codes meaning "the database can't answer now" rather than "this input is wrong". */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58', '40', 'XX']);
const CORRUPT_CODES = new Set(['XX001', 'XX002']);

function sqlState(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

/**
 * True when the failure is about the connection (refused, reset, terminated by a restart), so the
 * same request may succeed on a fresh connection.
 */
export function isConnectionError(error: unknown): boolean {
  const code = sqlState(error);
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ...
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

/**
 * Translates anything `pg` throws into a StoreError, so that no raw driver error (with its SQL text)
 * crosses the store boundary: connection trouble and server shutdowns become `unavailable`, data
 * corruption `corrupt`, constraint and data errors (classes 22, 23) `invalid_input`.
 */
export function toStoreError(error: unknown, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = sqlState(error);
  if (CORRUPT_CODES.has(code)) {
    return new StoreError('corrupt', `database reports corruption while ${doing} (${code})`, error);
  }
  if (code.startsWith('23') || code.startsWith('22')) {
    return new StoreError('invalid_input', `rejected by the database while ${doing} (${code})`, error);
  }
  const detail = code || (error instanceof Error ? error.message : String(error));
  if (isConnectionError(error) || UNAVAILABLE_CLASSES.has(code.slice(0, 2))) {
    return new StoreError('unavailable', `database unavailable while ${doing} (${detail})`, error);
  }
  return new StoreError('unavailable', `database error while ${doing} (${detail})`, error);
}

/**
 * Runs single statements for one part of the store: refused once the store is closed, and every
 * driver error translated by toStoreError (no retry: the caller decides whether a repeat is safe).
 */
export function guardedStatements(assertOpen: () => void) {
  return async <T>(doing: string, work: () => Promise<T>): Promise<T> => {
    assertOpen();
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, doing);
    }
  };
}
