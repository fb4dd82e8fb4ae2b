import type { OutboxMessage, OutboxStore } from '@faramesh/store';
import type { Metrics } from '../metrics/metrics.js';
import type { ServerLogger } from '../server.js';
import type { Channel, DeliveryOutcome } from './channel.js';
import type { DeliverySettings } from './channels-config.js';

export interface OutboxWorkerDeps {
  outbox: OutboxStore;
  channels: ReadonlyMap<string, Channel>;
  settings: DeliverySettings;
  /** Unique per process: the lease owner. */
  owner: string;
  metrics: Metrics;
  log: ServerLogger;
  now: () => Date;
  random?: () => number;
}

/**
 * Delivers the outbox off the request path: claims due messages under a lease (at most
 * `concurrency` in flight, so memory stays bounded), makes one attempt each, and records the
 * outcome — delivered, queued again after a full-jitter exponential backoff, or dead once the
 * attempt limit is reached. A replica that dies mid-delivery leaves its leased messages to the
 * others after `leaseMs`; a late answer from it then changes nothing (the lease is checked).
 */
export class OutboxWorker {
  private readonly inflight = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private failing = false;

  constructor(private deps: OutboxWorkerDeps) {}

  start(): void {
    this.schedule(0);
  }

  /**
   * Delivers with other channels and settings from now on (a channels reload): each claim looks its
   * channel up when it is delivered, so messages queued for a channel that still exists go on.
   */
  use(channels: ReadonlyMap<string, Channel>, settings: DeliverySettings): void {
    this.deps = { ...this.deps, channels, settings };
    this.kick();
  }

  /** Resolves once the deliveries in flight now have ended (their channels may then be closed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  /** Looks for due messages now (e.g. right after a write queued some). */
  kick(): void {
    // With every slot busy there is nothing to claim; the next finished delivery looks again.
    if (this.stop.signal.aborted || this.inflight.size >= this.deps.settings.concurrency) return;
    this.schedule(0);
  }

  /** Stops claiming, interrupts deliveries in flight (their leases expire) and waits for them. */
  async close(): Promise<void> {
    this.stop.abort();
    if (this.timer !== null) clearTimeout(this.timer);
    await Promise.allSettled([...this.inflight]);
  }

  /** Delay before the retry after `attempts` attempts: random in [0, min(max, base * 2^(attempts-1))]. */
  backoffMs(attempts: number): number {
    const { backoffBaseMs, backoffMaxMs } = this.deps.settings;
    const cap = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
    return Math.floor((this.deps.random ?? Math.random)() * cap);
  }

  private schedule(ms: number): void {
    if (this.stop.signal.aborted) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stop.signal.aborted) return;
    this.ticking = true;
    let claimed = 0;
    try {
      const room = this.deps.settings.concurrency - this.inflight.size;
      if (room > 0) {
        const at = this.deps.now();
        const messages = await this.deps.outbox.claim({
          owner: this.deps.owner,
          at: at.toISOString(),
          lease_expires_at: new Date(at.getTime() + this.deps.settings.leaseMs).toISOString(),
          limit: room,
        });
        claimed = messages.length;
        for (const message of messages) this.track(this.deliver(message));
      }
      if (this.failing) this.deps.log.info('notification delivery works again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.deps.log.warn(`claiming notifications failed, will retry: ${(error as Error).message}`);
      this.failing = true;
    } finally {
      this.ticking = false;
    }
    // A full batch may mean more are due; otherwise wait for the next poll (or a kick).
    this.schedule(claimed > 0 && this.inflight.size < this.deps.settings.concurrency ? 0 : this.deps.settings.pollMs);
  }

  private track(delivery: Promise<void>): void {
    this.inflight.add(delivery);
    void delivery.finally(() => {
      this.inflight.delete(delivery);
      this.schedule(0);
    });
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const { outbox, owner, metrics, settings, now } = this.deps;
    const channel = this.deps.channels.get(message.channel);
    const outcome: DeliveryOutcome =
      channel === undefined
        ? { ok: false, error: `channel ${message.channel} is not configured` }
        : await channel.deliver(message, this.stop.signal);
    // Interrupted by shutdown: leave the lease to expire, so another replica (or the restart) retries.
    if (this.stop.signal.aborted && !outcome.ok) return;
    const at = now();
    const label = channel === undefined ? 'unconfigured' : message.channel;
    try {
      if (outcome.ok) {
        if (await outbox.complete(message.id, owner, at.toISOString())) {
          metrics.notifications.inc({ channel: label, outcome: 'delivered' });
          metrics.notificationLatency.observe(
            { channel: label },
            (at.getTime() - Date.parse(message.created_at)) / 1000,
          );
        }
        return;
      }
      const dead = message.attempts >= settings.maxAttempts;
      const retryAt = dead ? null : new Date(at.getTime() + this.backoffMs(message.attempts)).toISOString();
      if (await outbox.fail(message.id, owner, { at: at.toISOString(), error: outcome.error, retry_at: retryAt })) {
        metrics.notifications.inc({ channel: label, outcome: dead ? 'dead' : 'retrying' });
        if (dead) {
          this.deps.log.warn(
            `notification ${message.id} to ${message.channel} is dead after ${message.attempts} attempts: ${outcome.error}`,
          );
        }
      }
    } catch (error) {
      // The lease expires and the message is retried; nothing is lost.
      this.deps.log.warn(`recording a notification outcome failed: ${(error as Error).message}`);
    }
  }
}
