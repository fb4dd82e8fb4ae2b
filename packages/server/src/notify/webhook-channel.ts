import type { Agent } from 'node:http';
import type { OutboxMessage } from '@faramesh/store';
import type { Channel, DeliveryOutcome } from './channel.js';
import { keepAliveAgent, type PostTarget, PostTimeout, postForStatus, postTarget } from './webhook-post.js';
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
 * A webhook endpoint signed per Standard Webhooks. One POST per attempt, over a kept-alive
 * connection (node:http costs a fraction of fetch's CPU per request): a 2xx answer delivers;
 * anything else (another status, a redirect, which is never followed, a timeout, a reset) fails
 * the attempt. The answer's body is read only to keep the connection, at most 64 KiB (a huge or
 * endless body closes it instead), and errors name the status or cause only, never the secret or
 * the receiver's text.
 */
export class WebhookChannel implements Channel {
  readonly kind = 'webhook' as const;
  readonly name: string;
  private readonly agent: Agent;
  private readonly target: PostTarget;

  constructor(
    private readonly endpoint: WebhookEndpoint,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.name = endpoint.name;
    this.agent = keepAliveAgent(endpoint.url);
    this.target = postTarget(endpoint.url);
  }

  accepts(eventType: string): boolean {
    return this.endpoint.events.includes('*') || this.endpoint.events.includes(eventType);
  }

  async deliver(message: OutboxMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const body = message.payload_json ?? JSON.stringify(message.payload);
    const timestamp = Math.floor(this.now().getTime() / 1000);
    try {
      const status = await postForStatus(
        this.agent,
        this.target,
        {
          'content-type': 'application/json',
          'user-agent': 'faramesh-webhooks',
          'webhook-id': message.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': webhookSignature(this.endpoint.keys, message.id, timestamp, body),
        },
        body,
        signal,
        this.endpoint.timeoutMs,
      );
      if (status >= 200 && status < 300) return { ok: true };
      const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
      return { ok: false, error: `HTTP ${status}${redirect}` };
    } catch (error) {
      if (error instanceof PostTimeout) return { ok: false, error: `no answer within ${this.endpoint.timeoutMs} ms` };
      if (signal.aborted) return { ok: false, error: 'delivery interrupted (server shutting down)' };
      // Several tried addresses fail as an AggregateError.
      const reason = error as { code?: unknown; errors?: { code?: unknown }[] };
      const cause = reason.code ?? reason.errors?.[0]?.code;
      return { ok: false, error: `request failed${typeof cause === 'string' ? ` (${cause})` : ''}` };
    }
  }
}
