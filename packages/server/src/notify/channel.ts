import type { ActionRecord, OutboxMessage } from '@faramesh/store';

/** How one delivery attempt ended. `error` is safe to store and show: it never holds a secret. */
export type DeliveryOutcome = { ok: true } | { ok: false; error: string };

/**
 * A place notifications go (webhook endpoint; Slack and email later). `deliver` makes one attempt
 * and never throws; retries, leases and dead-lettering belong to the outbox worker.
 */
export interface Channel {
  readonly name: string;
  readonly kind: 'webhook' | 'slack';
  /** Whether this channel wants messages caused by ledger events of this type (on `action`, as it is after the event). */
  accepts(eventType: string, action: ActionRecord): boolean;
  deliver(message: OutboxMessage, signal: AbortSignal): Promise<DeliveryOutcome>;
}
