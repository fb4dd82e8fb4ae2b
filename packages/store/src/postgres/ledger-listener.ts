import pg from 'pg';
import { LEDGER_CHANNEL } from './advisory-locks.js';

export type LedgerListener = (latestSeq: number | null) => void;

/**
 * LISTENs on the ledger channel over one dedicated connection (LISTEN can't share a pooled one) and
 * calls the listeners with the new head seq of every commit, from any process. When the connection
 * drops it reconnects with backoff, LISTENs again and calls the listeners with `null`: notifications
 * sent meanwhile are lost, so listeners must re-read the ledger (the source of truth) then.
 * Connects only while someone listens.
 */
export class LedgerNotifications {
  readonly #listeners = new Set<LedgerListener>();
  #client: pg.Client | null = null;
  #retry: NodeJS.Timeout | null = null;
  #backoffMs = 0;
  #stopped = true;

  constructor(private readonly config: pg.ClientConfig) {}

  watch(listener: LedgerListener): () => void {
    this.#listeners.add(listener);
    if (this.#stopped) {
      this.#stopped = false;
      void this.#connect();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) void this.stop();
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  #fire(seq: number | null): void {
    for (const listener of this.#listeners) {
      try {
        listener(seq);
      } catch {
        // One broken listener must not stop the others.
      }
    }
  }

  async #connect(): Promise<void> {
    if (this.#stopped || this.#client !== null) return;
    const client = new pg.Client(this.config);
    this.#client = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = null;
      client.end().catch(() => {});
      this.#scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      if (message.channel !== LEDGER_CHANNEL) return;
      const seq = Number(message.payload);
      this.#fire(Number.isSafeInteger(seq) ? seq : null);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LEDGER_CHANNEL}`);
    } catch {
      onLost();
      return;
    }
    if (this.#stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.#backoffMs = 0;
    // Commits made while we weren't listening (before the first LISTEN, or during an outage) sent
    // notifications nobody received.
    this.#fire(null);
  }

  #scheduleReconnect(): void {
    if (this.#stopped || this.#retry !== null) return;
    this.#backoffMs = Math.min(2000, Math.max(50, this.#backoffMs * 2));
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.#connect();
    }, this.#backoffMs);
    this.#retry.unref();
  }
}
