import type { ActionRecord } from './store.js';

/** The action as the ledger keeps it: the approval token is a bearer secret and never enters the ledger. */
export function ledgerSnapshot(action: ActionRecord): ActionRecord {
  return { ...action, approval_token: null };
}
