import { setMaxListeners } from 'node:events';
import {
  type NewOutboxMessage,
  type OutboxLease,
  type OutboxMessage,
  type OutboxOutcome,
  type OutboxStore,
  queuedMessage,
} from '@faramesh/store';
import type { Metrics } from '../metrics/metrics.js';
import type { ServerLogger } from '../server.js';
import type { Channel, DeliveryOutcome } from './channel.js';
import { type DeliverySettings, MAX_DELIVERY_CONCURRENCY } from './channels-config.js';

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
  /** How long `close` lets deliveries in flight finish (default CLOSE_GRACE_MS). */
  closeGraceMs?: number;
}

/** Most messages one claim leases: one write for the batch; `concurrency` of them are sent at once. */
export const CLAIM_COUNT = 128;
/** Most payload bytes one claim leases (they wait in memory until their turn). */
export const CLAIM_BYTES = 4 * 1024 * 1024;

/**
 * How long `close` lets deliveries already under way finish (most answer in milliseconds): one that
 * ends is recorded and leaves nothing leased; one still running then is interrupted.
 */
export const CLOSE_GRACE_MS = 2000;

/** Outcomes that are recorded at once rather than after a short wait for more. */
const RECORD_BATCH = 64;
const RECORD_LINGER_MS = 25;

/** A finished attempt waiting to be recorded, with what its metrics need. */
interface Finished {
  outcome: OutboxOutcome;
  channel: string;
  createdAt: string;
  attempts: number;
}

/**
 * Delivers the outbox off the request path. One claim leases a batch of due messages (bounded in
 * count and bytes); at most `concurrency` are in flight; each gets one attempt, and the outcomes
 * — delivered, queued again after a full-jitter exponential backoff, or dead once the attempt limit
 * is reached — are recorded together in one write while the next deliveries go on. A replica that
 * dies mid-delivery leaves its leased messages to the others after `leaseMs`; a late answer from it
 * then changes nothing (the lease is checked). A claimed message still waiting when half its lease
 * has passed, or when the worker stops, is released unattempted rather than sent late.
 */
export class OutboxWorker {
  /** Leased, not started yet (oldest due first). */
  private readonly claimed: OutboxMessage[] = [];
  /** The payload text waiting in `claimed` (UTF-16 units), bounded like a claim's bytes. */
  private claimedChars = 0;
  private readonly inflight = new Set<Promise<void>>();
  /** Attempted (or released), not recorded yet. */
  private readonly finished: Finished[] = [];
  private recording: Promise<void> | null = null;
  private linger: NodeJS.Timeout | null = null;
  private claiming: Promise<void> | null = null;
  /** No more claims, adoptions or starts (closing). */
  private readonly stop = new AbortController();
  /** Interrupts the deliveries in flight (the end of closing's grace). */
  private readonly interrupt = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  /** A claim is due at once (a zero-delay timer or a request during a claim). */
  private soon = false;
  private failing = false;
  /** The lease `leaseFrom` made last, and for which instant (forgotten when the settings change). */
  private lastLease: { at: string; lease: OutboxLease } | null = null;

  constructor(private deps: OutboxWorkerDeps) {
    // Every delivery in flight listens on the interrupt signal (aborted at shutdown).
    setMaxListeners(MAX_DELIVERY_CONCURRENCY + 1, this.interrupt.signal);
  }

  start(): void {
    this.schedule(0);
  }

  /**
   * Delivers with other channels and settings from now on (a channels reload): each claim looks its
   * channel up when it is delivered, so messages queued for a channel that still exists go on.
   */
  use(channels: ReadonlyMap<string, Channel>, settings: DeliverySettings): void {
    this.deps = { ...this.deps, channels, settings };
    this.lastLease = null;
    this.kick();
  }

  /** Resolves once the deliveries in flight now have ended (their channels may then be closed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  /**
   * The lease for messages written now that this worker will deliver itself, from memory, once
   * their write commits (`adopt`): no claim per message. None once stopping, nor while it already
   * holds a claim's worth: messages written then stay free for a claim in due order (leased, they
   * would only be released again by `adopt`, one more write each).
   */
  leaseFrom(at: string): OutboxLease | undefined {
    if (this.stop.signal.aborted || this.held() >= CLAIM_COUNT || this.claimedChars >= CLAIM_BYTES) return undefined;
    // The writes of one millisecond share their lease (a parse and a format cost ~1.3 µs a message).
    if (this.lastLease?.at === at) return this.lastLease.lease;
    const { owner, settings } = this.deps;
    const lease = { owner, expires_at: new Date(Date.parse(at) + settings.leaseMs).toISOString() };
    this.lastLease = { at, lease };
    return lease;
  }

  /**
   * Takes the messages it leased (`leaseFrom`) once their write committed at `at`: they wait for
   * their turn in memory like claimed ones while that stays within a claim's bounds (count and
   * payload size); the others are released at once, for a claim to take in due order. After a stop
   * nothing is taken: the leases expire and a worker claims the messages.
   */
  adopt(messages: readonly NewOutboxMessage[], at: string): void {
    if (this.stop.signal.aborted) return;
    for (const m of messages) {
      if (m.lease?.owner !== this.deps.owner) continue;
      const message = queuedMessage(m, at);
      const chars = charsOf(message);
      if (this.held() < CLAIM_COUNT && this.claimedChars + chars <= CLAIM_BYTES) this.wait(message);
      else this.finish(message, 'released');
    }
    this.pump();
  }

  /** Looks for due messages now (e.g. right after one was re-driven or added on its own). */
  kick(): void {
    // Called when messages may be due that no worker holds (a re-drive, a test message, new
    // channels): with enough claimed already, or a claim coming, there is nothing to do.
    if (this.stop.signal.aborted || this.soon || this.claimed.length >= this.deps.settings.concurrency) return;
    this.schedule(0);
  }

  /**
   * Stops claiming and starting, releases what was claimed but not started, lets the deliveries in
   * flight finish for up to `CLOSE_GRACE_MS` (`closeGraceMs`), interrupts those still running (their leases
   * expire: the receiver may have the message already), and records what finished.
   */
  async close(): Promise<void> {
    this.stop.abort();
    if (this.timer !== null) clearTimeout(this.timer);
    await this.claiming;
    this.releaseWaiting();
    await settledWithin([...this.inflight], this.deps.closeGraceMs ?? CLOSE_GRACE_MS);
    this.interrupt.abort();
    await Promise.allSettled([...this.inflight]);
    this.recordNow();
    while (this.recording !== null) await this.recording;
  }

  /** Delay before the retry after `attempts` attempts: random in [0, min(max, base * 2^(attempts-1))]. */
  backoffMs(attempts: number): number {
    const { backoffBaseMs, backoffMaxMs } = this.deps.settings;
    const cap = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
    return Math.floor((this.deps.random ?? Math.random)() * cap);
  }

  private schedule(ms: number): void {
    if (this.stop.signal.aborted) return;
    if (this.claiming !== null) {
      // Looked at when the running claim ends.
      if (ms === 0) this.soon = true;
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.soon = ms === 0;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.claiming = this.claim().finally(() => {
        this.claiming = null;
        this.afterClaim();
      });
    }, ms);
    this.timer.unref();
  }

  private afterClaim(): void {
    const { concurrency, pollMs } = this.deps.settings;
    // More may be due when asked to look again, or when the batch ran low and the last claim was full.
    const again = this.soon || (this.claimed.length < concurrency && this.lastClaimFull);
    this.schedule(again ? 0 : pollMs);
  }

  private lastClaimFull = false;

  private async claim(): Promise<void> {
    this.soon = false;
    this.lastClaimFull = false;
    if (this.stop.signal.aborted) return;
    const { concurrency, leaseMs } = this.deps.settings;
    // Claim when the batch runs low, never more than the bound in memory at once.
    const room = CLAIM_COUNT - this.held();
    if (this.claimed.length >= concurrency || room <= 0) return;
    try {
      const at = this.deps.now();
      const messages = await this.deps.outbox.claim({
        owner: this.deps.owner,
        at: at.toISOString(),
        lease_expires_at: new Date(at.getTime() + leaseMs).toISOString(),
        limit: room,
        max_bytes: Math.max(1, CLAIM_BYTES - this.claimedChars),
      });
      this.lastClaimFull = messages.length === room;
      for (const message of messages) this.wait(message);
      if (this.failing) this.deps.log.info('notification delivery works again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.deps.log.warn(`claiming notifications failed, will retry: ${(error as Error).message}`);
      this.failing = true;
    }
    if (this.stop.signal.aborted) this.releaseWaiting();
    else this.pump();
  }

  /** Starts claimed messages while there is room in flight. */
  private pump(): void {
    const { concurrency, leaseMs } = this.deps.settings;
    while (this.inflight.size < concurrency && this.claimed.length > 0 && !this.stop.signal.aborted) {
      const message = this.claimed.shift() as OutboxMessage;
      this.claimedChars -= charsOf(message);
      // Too late to start safely within the lease: give it back rather than risk a duplicate.
      const left = Date.parse(message.lease_expires_at ?? '') - this.deps.now().getTime();
      if (!(left > leaseMs / 2)) this.finish(message, 'released');
      else this.track(this.deliver(message));
    }
  }

  /** Claims again soon when the batch runs low (not from a claim itself: an idle outbox would spin). */
  private refill(): void {
    if (!this.stop.signal.aborted && !this.soon && this.claimed.length < this.deps.settings.concurrency) {
      this.schedule(0);
    }
  }

  /** Payload bytes (UTF-16) of the messages leased and waiting in memory (`faramesh_bounded_bytes`). */
  get heldBytes(): number {
    return this.claimedChars * 2;
  }

  /** Messages this worker holds: waiting, in flight, or attempted and not recorded yet. */
  private held(): number {
    return this.claimed.length + this.inflight.size + this.finished.length;
  }

  private wait(message: OutboxMessage): void {
    this.claimed.push(message);
    this.claimedChars += charsOf(message);
  }

  private releaseWaiting(): void {
    this.claimedChars = 0;
    for (const message of this.claimed.splice(0)) this.finish(message, 'released');
    this.record();
  }

  private track(delivery: Promise<void>): void {
    this.inflight.add(delivery);
    void delivery.finally(() => {
      this.inflight.delete(delivery);
      this.pump();
      this.refill();
    });
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const channel = this.deps.channels.get(message.channel);
    const outcome: DeliveryOutcome =
      channel === undefined
        ? { ok: false, error: `channel ${message.channel} is not configured` }
        : await channel.deliver(message, this.interrupt.signal);
    // Interrupted by shutdown: leave the lease to expire, so another replica (or the restart) retries.
    if (this.interrupt.signal.aborted && !outcome.ok) return;
    // Outcomes wait a little for others (RECORD_LINGER_MS): recorded alone, each would be a commit.
    this.finish(message, outcome, true);
  }

  private finish(message: OutboxMessage, outcome: DeliveryOutcome | 'released', more = false): void {
    const at = this.deps.now().toISOString();
    const { id } = message;
    let recorded: OutboxOutcome;
    if (outcome === 'released') recorded = { id, at, result: 'released' };
    else if (outcome.ok) recorded = { id, at, result: 'delivered' };
    else {
      const dead = message.attempts >= this.deps.settings.maxAttempts;
      const retryAt = dead ? null : new Date(Date.parse(at) + this.backoffMs(message.attempts)).toISOString();
      recorded = { id, at, result: 'failed', error: outcome.error, retry_at: retryAt };
    }
    this.finished.push({
      outcome: recorded,
      channel: message.channel,
      createdAt: message.created_at,
      attempts: message.attempts,
    });
    this.record(more);
  }

  /**
   * Records what finished: one write at a time, each taking everything finished by then. While
   * `more` outcomes may come (a delivery ended; others may be in flight or about to start) it
   * waits up to `RECORD_LINGER_MS` for them (unless `RECORD_BATCH` are waiting): a write per few
   * outcomes would cost a commit (an fsync) each when nothing else is being written.
   */
  private record(more = false): void {
    if (this.recording !== null || this.finished.length === 0) return;
    if (more && this.finished.length < RECORD_BATCH && !this.stop.signal.aborted) {
      if (this.linger === null) {
        this.linger = setTimeout(() => {
          this.linger = null;
          this.recordNow();
        }, RECORD_LINGER_MS);
        this.linger.unref();
      }
      return;
    }
    this.recordNow();
  }

  private recordNow(): void {
    if (this.linger !== null) clearTimeout(this.linger);
    this.linger = null;
    if (this.recording !== null || this.finished.length === 0) return;
    this.recording = this.recordAll().finally(() => {
      this.recording = null;
      // Recorded outcomes free room for the next claim.
      this.record(this.inflight.size > 0);
      this.refill();
    });
  }

  private async recordAll(): Promise<void> {
    const batch = this.finished.splice(0);
    try {
      const applied = await this.deps.outbox.settle(
        this.deps.owner,
        batch.map((f) => f.outcome),
      );
      for (const [index, done] of batch.entries()) if (applied[index] === true) this.observe(done);
    } catch (error) {
      // The leases expire and the messages are retried; nothing is lost.
      this.deps.log.warn(`recording notification outcomes failed: ${(error as Error).message}`);
    }
  }

  private observe({ outcome, channel, createdAt, attempts }: Finished): void {
    const { metrics, log } = this.deps;
    if (outcome.result === 'released') return;
    const label = this.deps.channels.has(channel) ? channel : 'unconfigured';
    if (outcome.result === 'delivered') {
      metrics.notifications.inc({ channel: label, outcome: 'delivered' });
      metrics.notificationLatency.observe({ channel: label }, (Date.parse(outcome.at) - Date.parse(createdAt)) / 1000);
      return;
    }
    const dead = outcome.retry_at === null;
    metrics.notifications.inc({ channel: label, outcome: dead ? 'dead' : 'retrying' });
    if (dead) log.warn(`notification ${outcome.id} to ${channel} is dead after ${attempts} attempts: ${outcome.error}`);
  }
}

/** A message's payload text as held in memory (claims bring it, adopted messages were written with it). */
function charsOf(message: OutboxMessage): number {
  return message.payload_json?.length ?? 0;
}

/** Resolves when every promise has settled, or after `ms`, whichever comes first. */
async function settledWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((done) => {
    timer = setTimeout(done, ms);
  });
  await Promise.race([Promise.allSettled(promises), elapsed]);
  clearTimeout(timer);
}
