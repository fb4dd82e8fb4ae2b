import type { ServerResponse } from 'node:http';
import { streamEventName } from '@faramesh/contract';
import type { EventRecord, Store } from '@faramesh/store';
import type { ByteBudget } from '../limits/byte-budget.js';
import type { EventHub } from './event-hub.js';

/** Why a connection was cut off (a metric label). */
export type SseCutOff = 'client_too_slow' | 'server_buffer_full';

export interface SseLimits {
  /** Events, and bytes of snapshot and meta JSON, per ledger read when the hub's ring has a gap. */
  pageEvents: number;
  pageBytes: number;
  /** Estimated bytes of ring events sent per write. */
  batchBytes: number;
  /** Unsent bytes (socket buffer plus events published since it last drained) before a cut-off. */
  maxUnsentBytes: number;
}

export interface SseConnectionOptions {
  response: ServerResponse;
  store: Store;
  hub: EventHub;
  /** Last seq the client has; frames start right after it. */
  lastSeq: number;
  heartbeatMs: number;
  /** Whether frames carry `event:` (false: unnamed frames, for `EventSource.onmessage` consumers). */
  named: boolean;
  /** Whether this client may see this event (filters and role). */
  accept: (event: EventRecord) => boolean;
  /** Serialises one event into the `data:` JSON of its frame. */
  render: (event: EventRecord) => string;
  limits: SseLimits;
  /** The bytes all stalled connections hold, together. */
  budget: ByteBudget;
  onCutOff?: (reason: SseCutOff) => void;
  onClose: () => void;
}

/**
 * One SSE client. Delivery is pulled from the ledger: after each wake-up the connection sends every
 * event after the last one it sent, from the hub's ring when it holds them all, else from the store.
 * So a missed wake-up or a reconnect with Last-Event-ID loses nothing, and events go out in seq
 * order exactly once per connection.
 *
 * Memory per client is bounded: a write waits for 'drain' before the next one (at most one batch is
 * buffered), a stalled socket's buffer is reserved in the shared `ByteBudget`, and a client whose
 * unsent bytes (its socket buffer plus the events published since the socket last drained) exceed
 * `maxUnsentBytes` is cut off. A cut-off client reconnects with Last-Event-ID and resumes from the
 * ledger: only a complete frame updates its Last-Event-ID, so nothing is lost.
 */
export class SseConnection {
  private lastSeq: number;
  private pumping = false;
  private again = false;
  private closed = false;
  /** Bytes reserved in the budget while the socket is full; null while it is not. */
  private stalled: number | null = null;
  /** Estimated bytes published since the socket filled up. */
  private behind = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: SseConnectionOptions) {
    this.lastSeq = options.lastSeq;
  }

  start(): void {
    const { response } = this.options;
    // The `id:` gives a client its resume point before any event arrives, so a reconnect with
    // Last-Event-ID also covers events that happened while it was disconnected.
    response.write(`: connected\nid: ${this.lastSeq}\nretry: 2000\n\n`);
    this.unsubscribe = this.options.hub.subscribe((_events, bytes) => this.wake(bytes));
    this.heartbeat = setInterval(() => {
      // A full socket needs no keep-alive, and heartbeats must not pile up behind it.
      if (!this.closed && this.stalled === null) response.write(': heartbeat\n\n');
    }, this.options.heartbeatMs);
    response.on('close', () => this.close());
    response.on('error', () => this.close());
    this.wake(0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.unstall();
    if (!this.options.response.writableEnded) this.options.response.end();
    this.options.onClose();
  }

  /** Drops the connection without flushing what its socket still holds. */
  private cutOff(reason: SseCutOff): void {
    if (this.closed) return;
    this.options.onCutOff?.(reason);
    this.options.response.destroy();
    this.close();
  }

  private wake(publishedBytes: number): void {
    if (this.closed) return;
    if (this.stalled !== null) {
      this.behind += publishedBytes;
      if (this.options.response.writableLength + this.behind > this.options.limits.maxUnsentBytes) {
        this.cutOff('client_too_slow');
        return;
      }
    }
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    this.pump()
      .catch(() => this.close())
      .finally(() => {
        this.pumping = false;
      });
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      let more = true;
      while (more && !this.closed) {
        const next = await this.nextFrames();
        more = next.more;
        if (next.frames !== '') await this.write(next.frames);
      }
    } while (this.again && !this.closed);
  }

  /**
   * The frames of the next slice of the ledger after `lastSeq`: ring events up to `batchBytes`, or a
   * page of `pageEvents` read from the store. The events themselves are released before the write
   * waits for the socket, so a stalled client holds only bytes its budget accounts for.
   */
  private async nextFrames(): Promise<{ frames: string; more: boolean }> {
    const { hub, store, limits } = this.options;
    const fromRing = hub.since(this.lastSeq, limits.batchBytes);
    const batch = fromRing ?? (await store.eventsAfter(this.lastSeq, limits.pageEvents, {}, limits.pageBytes));
    // One write per batch, not per event: a submission publishes two events at once, and with
    // 1,000 clients every write is a syscall per client.
    let frames = '';
    for (const event of batch) {
      if (this.closed) break;
      if (event.seq <= this.lastSeq) continue;
      if (this.options.accept(event)) frames += this.frame(event);
      this.lastSeq = event.seq;
    }
    // Store pages may end early at pageBytes: only an empty one says the ledger has no more.
    return { frames, more: batch.length > 0 };
  }

  private frame(event: EventRecord): string {
    const name = this.options.named ? `event: ${streamEventName(event.event_type)}\n` : '';
    return `id: ${event.seq}\n${name}data: ${this.options.hub.frame(event, this.options.render)}\n\n`;
  }

  private async write(frames: string): Promise<void> {
    if (this.closed) return;
    const { response, budget } = this.options;
    if (response.write(frames)) return;
    const held = response.writableLength;
    if (!budget.hold(held)) {
      this.cutOff('server_buffer_full');
      return;
    }
    this.stalled = held;
    this.behind = 0;
    await new Promise<void>((resolve) => {
      const done = () => {
        response.off('drain', done);
        response.off('close', done);
        resolve();
      };
      response.on('drain', done);
      response.on('close', done);
    });
    this.unstall();
  }

  private unstall(): void {
    if (this.stalled === null) return;
    this.options.budget.release(this.stalled);
    this.stalled = null;
    this.behind = 0;
  }
}
