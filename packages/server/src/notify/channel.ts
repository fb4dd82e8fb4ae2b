import type { OutboxMessage } from '@faramesh/store';

/** How one delivery attempt ended. `error` is safe to store and show: it never holds a secret. */
export type DeliveryOutcome = { ok: true } | { ok: false; error: string };

/**
 * A place notifications go (webhook endpoint; Slack and email later). `deliver` makes one attempt
 * and never throws; retries, leases and dead-lettering belong to the outbox worker.
 */
export interface Channel {
  readonly name: string;
  readonly kind: 'webhook';
  /** Whether this channel wants messages caused by ledger events of this type. */
  accepts(eventType: string): boolean;
  deliver(message: OutboxMessage, signal: AbortSignal): Promise<DeliveryOutcome>;
}
