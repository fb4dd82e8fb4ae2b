import { toStoreError } from './postgres-errors.js';

/**
 * Runs single statements outside the ledger's write queue: refused once the store is closed
 * (`assertOpen` throws), and any driver error turned into a StoreError naming what was being done.
 */
export function guardedRun(assertOpen: () => void) {
  return async <T>(doing: string, work: () => Promise<T>): Promise<T> => {
    assertOpen();
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, doing);
    }
  };
}
