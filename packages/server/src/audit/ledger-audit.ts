import type { LedgerAudit } from '@faramesh/contract';
import { type EventRecord, GENESIS_HASH, type Store, verifyLedger } from '@faramesh/store';

export type { LedgerAudit };

/**
 * Walks the whole ledger in seq order, page by page, recomputing every hash and checking every link,
 * so an edited, inserted or deleted event is found. Deleting the newest events leaves a shorter valid
 * chain: keep the reported head somewhere else and compare it to detect truncation.
 */
export async function auditLedger(store: Store, pageSize = 1000): Promise<LedgerAudit> {
  let prevHash = GENESIS_HASH;
  let afterSeq = 0;
  let events = 0;
  for (;;) {
    const page = await store.eventsAfter(afterSeq, pageSize);
    const last = page[page.length - 1];
    if (last === undefined) break;
    const verdict = verifyLedger(page, { prevHash });
    if (!verdict.ok) return { ok: false, events, seq: verdict.seq, reason: verdict.reason };
    events += page.length;
    prevHash = last.hash;
    afterSeq = last.seq;
  }
  return { ok: true, events, head: events === 0 ? null : { seq: afterSeq, hash: prevHash } };
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
