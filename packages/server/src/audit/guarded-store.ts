import type { Store } from '@faramesh/store';
import type { LedgerMonitor } from './ledger-monitor.js';

/**
 * The store as the services see it: its writes refused with 503 `ledger_inconsistent` while the
 * monitor says the ledger is damaged, so nothing is appended on top of a truncated or edited
 * ledger. Reads pass through untouched.
 */
export function refuseWritesWhenInconsistent(store: Store, monitor: LedgerMonitor): Store {
  return {
    ...store,
    // Not async: an async wrapper returning the store's promise cost a promise and two ticks per
    // submission. A refusal is still a rejected promise, as before.
    createAction(input) {
      try {
        monitor.assertWritable();
      } catch (error) {
        return Promise.reject(error);
      }
      return store.createAction(input);
    },
    async transition(input) {
      monitor.assertWritable();
      return store.transition(input);
    },
  };
}
