import type { OutboxMessage } from '@faramesh/store';
import type { Channel, DeliveryOutcome } from './channel.js';
import { webhookSignature } from './webhook-signature.js';

export interface WebhookEndpoint {
  name: string;
  url: URL;
  /** Ledger event types delivered; `*` = all. */
  events: readonly string[];
  /** One key, or two while rotating (every message is signed with each). */
  keys: readonly Buffer[];
  timeoutMs: number;
}

/**
 * A webhook endpoint signed per Standard Webhooks. One POST per attempt: a 2xx answer delivers;
 * anything else (another status, a redirect, which is never followed, a timeout, a reset) fails
 * the attempt. The answer's body is never read (a huge or endless body costs nothing), and errors
 * name the status or cause only, never the secret or the receiver's text.
 */
export class WebhookChannel implements Channel {
  readonly kind = 'webhook' as const;
  readonly name: string;

  constructor(
    private readonly endpoint: WebhookEndpoint,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.name = endpoint.name;
  }

  accepts(eventType: string): boolean {
    return this.endpoint.events.includes('*') || this.endpoint.events.includes(eventType);
  }

  async deliver(message: OutboxMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const body = JSON.stringify(message.payload);
    const timestamp = Math.floor(this.now().getTime() / 1000);
    const timeout = AbortSignal.timeout(this.endpoint.timeoutMs);
    try {
      const response = await fetch(this.endpoint.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.any([signal, timeout]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'faramesh-webhooks',
          'webhook-id': message.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': webhookSignature(this.endpoint.keys, message.id, timestamp, body),
        },
        body,
      });
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return { ok: true };
      const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
      return { ok: false, error: `HTTP ${response.status}${redirect}` };
    } catch (error) {
      if (timeout.aborted) return { ok: false, error: `no answer within ${this.endpoint.timeoutMs} ms` };
      if (signal.aborted) return { ok: false, error: 'delivery interrupted (server shutting down)' };
      // undici puts the socket error in `cause` (several tried addresses: an AggregateError).
      const reason = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
      const cause = reason?.code ?? reason?.errors?.[0]?.code;
      return { ok: false, error: `request failed${typeof cause === 'string' ? ` (${cause})` : ''}` };
    }
  }
}
