import type { Store } from '@faramesh/store';
import { LEDGER_PAGE_BYTES } from '../limits/ledger-page.js';
import type { EventHub } from './event-hub.js';

const PAGE = 500;

export interface LedgerFollower {
  close(): void;
}

/**
 * Brings events committed by other replicas into this process's hub. When `store.watch` says the
 * ledger moved, it reads `eventsAfter(cursor)` and publishes what it finds, so SSE clients and
 * long-polls here see changes that landed on any replica. `cursor` is the highest seq up to which
 * the hub has been given every event; local publishes that continue it advance it too, so this
 * replica's own notifications cost nothing. A notification is only a hint: after a reconnect
 * (`null`) or any failure the next wake-up re-reads from the cursor, so nothing is skipped.
 * Returns null for single-process stores (no `watch`).
 */
export async function followLedger(
  store: Store,
  hub: EventHub,
  onError: (error: unknown) => void,
): Promise<LedgerFollower | null> {
  if (!store.watch) return null;
  let cursor = await store.latestSeq();
  let pumping = false;
  let again = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const advance = (seqs: Iterable<number>) => {
    for (const seq of [...seqs].sort((a, b) => a - b)) if (seq === cursor + 1) cursor = seq;
  };
  const unsubscribe = hub.subscribe((events) => advance(events.map((e) => e.seq)));

  const pump = async () => {
    do {
      again = false;
      let batch: Awaited<ReturnType<Store['eventsAfter']>>;
      do {
        // Pages end at LEDGER_PAGE_BYTES too, so a short page is not the end: read until one is empty.
        batch = await store.eventsAfter(cursor, PAGE, {}, LEDGER_PAGE_BYTES);
        if (closed) return;
        // Publishing advances `cursor` through the subscription above.
        hub.publish(batch);
        const last = batch.at(-1);
        if (last !== undefined && last.seq > cursor) cursor = last.seq;
      } while (batch.length > 0);
    } while (again && !closed);
  };

  const wake = () => {
    if (closed) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    pump()
      .catch((error: unknown) => {
        onError(error);
        // The database may be down with the LISTEN connection still up: try again on our own.
        retry ??= setTimeout(() => {
          retry = null;
          wake();
        }, 1000);
      })
      .finally(() => {
        pumping = false;
        if (again) wake();
      });
  };

  const unwatch = store.watch((latestSeq) => {
    if (latestSeq !== null && latestSeq <= cursor) return;
    wake();
  });

  return {
    close() {
      closed = true;
      if (retry !== null) clearTimeout(retry);
      unwatch();
      unsubscribe();
    },
  };
}
