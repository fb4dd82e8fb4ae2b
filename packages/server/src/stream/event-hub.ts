import type { EventRecord } from '@faramesh/store';

export type HubListener = (events: readonly EventRecord[]) => void;

/**
 * In-process fan-out of committed ledger events. Writers publish after their commit; listeners (SSE
 * connections, long-polls) are woken. A ring of recent events saves most readers a database query,
 * but it is only an optimisation: the ledger in the store is the source of truth, and `since` answers
 * only when the ring holds every event after the asked position without a gap.
 */
export class EventHub {
  private readonly ring: EventRecord[] = [];
  private readonly listeners = new Set<HubListener>();

  constructor(private readonly capacity = 4096) {}

  /**
   * Adds committed events and wakes the listeners with those the ring didn't hold yet: with several
   * replicas the same event may arrive twice (published locally, then read back by the ledger follower).
   */
  publish(events: readonly EventRecord[]): void {
    const fresh = events.filter((event) => this.insert(event));
    if (fresh.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(fresh);
      } catch {
        // A broken listener must not stop delivery to the others.
      }
    }
  }

  subscribe(listener: HubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Every event with seq > afterSeq if the ring has them all contiguously, else null (ask the store). */
  since(afterSeq: number): EventRecord[] | null {
    const first = this.ring[0];
    if (first === undefined || first.seq > afterSeq + 1) return null;
    const start = this.indexAfter(afterSeq);
    const out = this.ring.slice(start);
    let expected = afterSeq + 1;
    for (const event of out) {
      if (event.seq !== expected) return null;
      expected += 1;
    }
    return out;
  }

  /** False when the ring already holds this seq. */
  private insert(event: EventRecord): boolean {
    const last = this.ring[this.ring.length - 1];
    if (last === undefined || last.seq < event.seq) {
      this.ring.push(event);
    } else {
      const at = this.indexAfter(event.seq - 1);
      if (this.ring[at]?.seq === event.seq) return false;
      this.ring.splice(at, 0, event);
    }
    // Trimmed in steps of a quarter: dropping one event per insert shifted the whole array each time.
    if (this.ring.length > this.capacity + (this.capacity >> 2)) this.ring.splice(0, this.ring.length - this.capacity);
    return true;
  }

  /** Index of the first event with seq > afterSeq (binary search; the ring is sorted by seq). */
  private indexAfter(afterSeq: number): number {
    let lo = 0;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ring[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
