import type { ActionRecord, JsonObject, OutboxMessage } from '@faramesh/store';

/** How one delivery attempt ended. `error` is safe to store and show: it never holds a secret. */
export type DeliveryOutcome = { ok: true } | { ok: false; error: string };

/**
 * A place notifications go (webhook endpoint; Slack and email later). `deliver` makes one attempt
 * and never throws; retries, leases and dead-lettering belong to the outbox worker.
 */
export interface Channel {
  readonly name: string;
  readonly kind: 'webhook' | 'email' | 'slack';
  /** Whether this channel wants messages caused by ledger events of this type (on `action`, as it is after the event). */
  accepts(eventType: string, action: ActionRecord): boolean;
  /**
   * Channels that write to each person separately (email): who gets this action, each becoming its
   * own outbox message (the payload's `recipient`), so a retry never repeats the others' messages.
   * Absent: one message per event.
   */
  recipients?(action: ActionRecord): readonly JsonObject[];
  /**
   * Channels that can reach a person directly (an email, a Slack direct message): the people among
   * `refs` (approver references, e.g. an escalation step's) this channel can reach about `action`,
   * each becoming its own outbox message (the payload's `recipient`). Absent: it can't.
   */
  personal?(action: ActionRecord, refs: readonly string[]): readonly JsonObject[];
  deliver(message: OutboxMessage, signal: AbortSignal): Promise<DeliveryOutcome>;
  /** Releases what the channel holds (an SMTP pool) once it is no longer in use. */
  close?(): void;
}
