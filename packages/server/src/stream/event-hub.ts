import type { EventRecord } from '@faramesh/store';
import { approximateJsonSize } from './approximate-size.js';

/** Woken with the events just published and their estimated size (see `EventHub`). */
export type HubListener = (events: readonly EventRecord[], bytes: number) => void;

export interface EventHubLimits {
  /** Most events the ring keeps. */
  maxEvents: number;
  /** Most estimated bytes the ring keeps, rendered SSE frames included. */
  maxBytes: number;
}

interface Entry {
  event: EventRecord;
  /** Estimated size: the event with its action snapshot, plus its rendered frame once there is one. */
  bytes: number;
  frame: string | null;
}

/** Ids, hashes, timestamps and type of an event, on top of its snapshot and meta. */
const EVENT_FIELDS_SIZE = 320;

/** Stands in for dropped entries until the array is compacted. */
const DROPPED: Entry = { event: { seq: -1 } as EventRecord, bytes: 0, frame: null };

export const DEFAULT_HUB_LIMITS: EventHubLimits = { maxEvents: 4096, maxBytes: 16 * 1024 * 1024 };

/**
 * In-process fan-out of committed ledger events. Writers publish after their commit; listeners (SSE
 * connections, long-polls) are woken. A ring of recent events saves most readers a database query,
 * but it is only an optimisation: the ledger in the store is the source of truth, and `since` answers
 * only when the ring holds every event after the asked position without a gap.
 *
 * The ring is bounded by count and by estimated bytes (`approximateJsonSize` of each event's action
 * snapshot and meta, counted per event even where the events of one write share a snapshot, plus the
 * length of each SSE frame rendered for it); the oldest events are dropped first.
 */
export class EventHub {
  /** Sorted by seq; entries before `first` have been dropped and are cleared lazily. */
  private ring: Entry[] = [];
  private first = 0;
  private ringBytes = 0;
  private readonly listeners = new Set<HubListener>();
  private readonly limits: EventHubLimits;

  constructor(limits: Partial<EventHubLimits> = {}) {
    this.limits = { ...DEFAULT_HUB_LIMITS, ...limits };
  }

  /**
   * Adds committed events and wakes the listeners with those the ring didn't hold yet: with several
   * replicas the same event may arrive twice (published locally, then read back by the ledger follower).
   */
  publish(events: readonly EventRecord[]): void {
    const fresh: EventRecord[] = [];
    let freshBytes = 0;
    let lastAction: unknown = null;
    let actionSize = 0;
    for (const event of events) {
      // The events of one write share their snapshot object: size it once.
      if (event.action !== lastAction) {
        lastAction = event.action;
        actionSize = approximateJsonSize(event.action);
      }
      const bytes = actionSize + approximateJsonSize(event.meta) + EVENT_FIELDS_SIZE;
      if (this.insert(event, bytes)) {
        fresh.push(event);
        freshBytes += bytes;
      }
    }
    this.trim();
    if (fresh.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(fresh, freshBytes);
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

  /** Events and estimated bytes the ring holds now. */
  get usage(): { events: number; bytes: number } {
    return { events: this.ring.length - this.first, bytes: this.ringBytes };
  }

  /**
   * Events with seq > afterSeq if the ring holds them all contiguously, else null (ask the store).
   * With `maxBytes`, stops once the returned events reach that many estimated bytes (at least one
   * event is returned when there is one), so a reader far behind takes the ring in slices.
   */
  since(afterSeq: number, maxBytes = Number.POSITIVE_INFINITY): EventRecord[] | null {
    const head = this.ring[this.first];
    if (head === undefined || head.event.seq > afterSeq + 1) return null;
    const out: EventRecord[] = [];
    let expected = afterSeq + 1;
    let bytes = 0;
    for (let i = this.indexAfter(afterSeq); i < this.ring.length && bytes < maxBytes; i++) {
      const entry = this.ring[i]!;
      if (entry.event.seq !== expected) return null;
      out.push(entry.event);
      bytes += entry.bytes;
      expected += 1;
    }
    return out;
  }

  /**
   * The SSE frame of `event`, rendered by `render` once per event while the ring holds it (every
   * subscriber gets the same string) and counted in the ring's bytes. Events not in the ring (read
   * from the store) are rendered each time.
   */
  frame(event: EventRecord, render: (event: EventRecord) => string): string {
    const at = this.indexAfter(event.seq - 1);
    const entry = this.ring[at];
    if (entry === undefined || entry.event !== event) return render(event);
    if (entry.frame === null) {
      entry.frame = render(event);
      entry.bytes += entry.frame.length;
      this.ringBytes += entry.frame.length;
      this.trim();
    }
    return entry.frame;
  }

  /** False when the ring already holds this seq. */
  private insert(event: EventRecord, bytes: number): boolean {
    const entry: Entry = { event, bytes, frame: null };
    const last = this.ring[this.ring.length - 1];
    if (last === undefined || this.first === this.ring.length || last.event.seq < event.seq) {
      this.ring.push(entry);
    } else {
      const at = this.indexAfter(event.seq - 1);
      if (this.ring[at]?.event.seq === event.seq) return false;
      // Older than everything kept: it would be dropped at once, and `since` must not see a hole.
      if (at === this.first && this.full(bytes)) return false;
      this.ring.splice(at, 0, entry);
    }
    this.ringBytes += bytes;
    return true;
  }

  private full(extra = 0): boolean {
    const count = this.ring.length - this.first;
    return count > this.limits.maxEvents || this.ringBytes + extra > this.limits.maxBytes;
  }

  /** Drops the oldest events until both limits hold; compacts the array once half of it is dropped. */
  private trim(): void {
    while (this.first < this.ring.length && this.full()) {
      this.ringBytes -= this.ring[this.first]!.bytes;
      // Release the event now, not at the next compaction.
      this.ring[this.first] = DROPPED;
      this.first += 1;
    }
    if (this.first === this.ring.length) {
      this.ring = [];
      this.first = 0;
      this.ringBytes = 0;
    } else if (this.first > 256 && this.first * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.first);
      this.first = 0;
    }
  }

  /** Index of the first kept event with seq > afterSeq (binary search; the ring is sorted by seq). */
  private indexAfter(afterSeq: number): number {
    let lo = this.first;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ring[mid]!.event.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
