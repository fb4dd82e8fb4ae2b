import type { ServerResponse } from 'node:http';
import { streamEventName } from '@faramesh/contract';
import type { EventRecord, Store } from '@faramesh/store';
import type { EventHub } from './event-hub.js';

const PAGE = 500;

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
  onClose: () => void;
}

/**
 * One SSE client. Delivery is pulled from the ledger: after each wake-up the connection sends every
 * event after the last one it sent, from the hub's ring when it holds them all, else from the store.
 * So a missed wake-up or a reconnect with Last-Event-ID loses nothing, and events go out in seq
 * order exactly once per connection. Slow clients get backpressure (we wait for 'drain').
 */
export class SseConnection {
  private lastSeq: number;
  private pumping = false;
  private again = false;
  private closed = false;
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
    this.unsubscribe = this.options.hub.subscribe(() => this.wake());
    this.heartbeat = setInterval(() => {
      if (!this.closed) response.write(': heartbeat\n\n');
    }, this.options.heartbeatMs);
    response.on('close', () => this.close());
    response.on('error', () => this.close());
    this.wake();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    if (!this.options.response.writableEnded) this.options.response.end();
    this.options.onClose();
  }

  private wake(): void {
    if (this.closed) return;
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
      let batch: EventRecord[];
      do {
        batch = this.options.hub.since(this.lastSeq) ?? (await this.options.store.eventsAfter(this.lastSeq, PAGE));
        // One write per batch, not per event: a submission publishes two events at once, and with
        // 1,000 clients every write is a syscall per client.
        let frames = '';
        for (const event of batch) {
          if (this.closed) return;
          if (event.seq <= this.lastSeq) continue;
          if (this.options.accept(event)) frames += this.frame(event);
          this.lastSeq = event.seq;
        }
        if (frames !== '') await this.write(frames);
      } while (batch.length >= PAGE && !this.closed);
    } while (this.again && !this.closed);
  }

  private frame(event: EventRecord): string {
    const name = this.options.named ? `event: ${streamEventName(event.event_type)}\n` : '';
    return `id: ${event.seq}\n${name}data: ${this.options.render(event)}\n\n`;
  }

  private async write(frames: string): Promise<void> {
    if (this.closed) return;
    if (!this.options.response.write(frames)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.options.response.off('drain', done);
          this.options.response.off('close', done);
          resolve();
        };
        this.options.response.on('drain', done);
        this.options.response.on('close', done);
      });
    }
  }
}
