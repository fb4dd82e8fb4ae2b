import type { LedgerAudit } from '@faramesh/contract';
import type { EventRecord, Store } from '@faramesh/store';
import { type VerifyOptions, verifyLedger } from './ledger-verifier.js';

export type { LedgerAudit, VerifyOptions };

/**
 * Verifies a store's whole ledger: hash chain, action rows against their history, high-water mark
 * and checkpoints (see `verifyLedger`). Without a key or a checkpoint file, re-hashing after an edit
 * can't be detected; the answer's `limitations` says so.
 */
export function auditLedger(
  store: Store,
  options: VerifyOptions = { key: null, checkpointFile: null },
): Promise<LedgerAudit> {
  return verifyLedger(store.ledger, options);
}

/** The ledger from `afterSeq` on, page by page, for export. */
export async function* ledgerPages(store: Store, afterSeq: number, pageSize = 1000): AsyncGenerator<EventRecord[]> {
  let position = afterSeq;
  for (;;) {
    const page = await store.eventsAfter(position, pageSize);
    const last = page[page.length - 1];
    if (last === undefined) return;
    yield page;
    position = last.seq;
  }
}
