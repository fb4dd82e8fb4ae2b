import { randomUUID } from 'node:crypto';
import type { ActionRecord, JsonObject, OutboxMessage } from '@faramesh/store';
import type { Channel, DeliveryOutcome } from './channel.js';
import type { EmailChannelConfig } from './email-config.js';
import { newLinkId, signLink } from './email-link.js';
import { type ApprovalMail, approvalMail, testMail } from './email-message.js';
import { type IdentityDirectory, type Recipient, resolveRecipients } from './email-recipients.js';
import type { MailSender } from './email-transport.js';
import { requirementGroups } from './escalation-people.js';

export interface EmailChannelDeps {
  config: EmailChannelConfig;
  /** FARAMESH_EMAIL_LINK_SECRET. */
  linkKey: Buffer;
  /** FARAMESH_PUBLIC_URL: where the links point. */
  publicUrl: string;
  directory: IdentityDirectory;
  /** The groups declared in the active policy (for recipients that name one). */
  declaredGroups: () => Readonly<Record<string, readonly string[]>>;
  sender: MailSender;
  now: () => Date;
}

/** The route that shows a link's confirmation page (GET) and records its decision (POST). */
export const EMAIL_APPROVAL_PATH = '/email/approval';

/**
 * An email channel: for each pending action, one outbox message per recipient (so a retry repeats
 * only that recipient's), sent over SMTP with the action's summary and one-time Approve / Deny
 * links. Links are signed at delivery time, so a retried message carries fresh ones, each valid
 * for `link_ttl_seconds` from when it was sent.
 */
export class EmailChannel implements Channel {
  readonly kind = 'email' as const;
  readonly name: string;

  constructor(private readonly deps: EmailChannelDeps) {
    this.name = deps.config.name;
  }

  get settings(): EmailChannelConfig {
    return this.deps.config;
  }

  close(): void {
    this.deps.sender.close();
  }

  accepts(eventType: string): boolean {
    return this.deps.config.events.includes(eventType);
  }

  /** Only actions waiting for a decision are mailed: there is nothing to approve otherwise. */
  recipients(action: ActionRecord): JsonObject[] {
    if (action.status !== 'pending_approval') return [];
    return this.resolve(action).map((r) => ({ identity: r.identity, address: r.address }));
  }

  /** People named by reference (an escalation step's), each mailed at their address; groups as the action's requirement snapshots them. */
  personal(action: ActionRecord, refs: readonly string[]): JsonObject[] {
    if (action.status !== 'pending_approval') return [];
    return resolveRecipients(refs, action, requirementGroups(action), this.deps.directory).map((r) => ({
      identity: r.identity,
      address: r.address,
    }));
  }

  async deliver(message: OutboxMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    if (message.event_type === 'test') return this.deliverTest(message, signal);
    const mail = this.mailOf(message.payload);
    if (mail === null) return { ok: false, error: 'the message is not an approval request this channel can send' };
    return this.deps.sender.send(
      {
        ...approvalMail(mail),
        from: this.deps.config.from,
        to: mail.recipient.address,
        headers: headers(mail.action.id),
      },
      signal,
    );
  }

  private resolve(action: ActionRecord | null): Recipient[] {
    return resolveRecipients(this.deps.config.recipients, action, this.deps.declaredGroups(), this.deps.directory);
  }

  private async deliverTest(message: OutboxMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const data = message.payload.data as { requested_by?: unknown } | undefined;
    const by = typeof data?.requested_by === 'string' ? data.requested_by : 'unknown';
    const recipients = this.resolve(null);
    if (recipients.length === 0) return { ok: false, error: 'no recipient of this channel has an email address' };
    for (const recipient of recipients) {
      const outcome = await this.deps.sender.send(
        {
          ...testMail(this.name, by, recipient.identity),
          from: this.deps.config.from,
          to: recipient.address,
          headers: {},
        },
        signal,
      );
      if (!outcome.ok) return outcome;
    }
    return { ok: true };
  }

  /** The mail for a queued message, with fresh links; null when the payload isn't one this channel wrote. */
  private mailOf(payload: JsonObject): ApprovalMail | null {
    const data = payload.data as { action?: unknown; dashboard_url?: unknown; request_hash?: unknown } | undefined;
    const recipient = payload.recipient as { identity?: unknown; address?: unknown } | undefined;
    const action = data?.action as ApprovalMail['action'] | undefined;
    if (
      action === undefined ||
      typeof action.id !== 'string' ||
      typeof data?.request_hash !== 'string' ||
      typeof recipient?.identity !== 'string' ||
      typeof recipient.address !== 'string'
    ) {
      return null;
    }
    const now = this.deps.now().getTime();
    const expires = now + this.deps.config.linkTtlSeconds * 1000;
    const link = {
      id: newLinkId(),
      action_id: action.id,
      request_hash: data.request_hash,
      identity: recipient.identity,
      channel: this.name,
      expires_at_ms: expires,
    };
    const url = (decision: 'approve' | 'deny') => {
      const target = new URL(EMAIL_APPROVAL_PATH, this.deps.publicUrl);
      target.searchParams.set('t', signLink({ ...link, decision }, this.deps.linkKey));
      return target.href;
    };
    return {
      action,
      recipient: { identity: recipient.identity, address: recipient.address },
      approveUrl: url('approve'),
      denyUrl: url('deny'),
      dashboardUrl:
        typeof data?.dashboard_url === 'string'
          ? data.dashboard_url
          : new URL(`/?action=${action.id}`, this.deps.publicUrl).href,
      linkExpiresAt: new Date(expires).toISOString(),
    };
  }
}

function headers(actionId: string): Record<string, string> {
  return {
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'X-Faramesh-Action': actionId,
    'X-Entity-Ref-ID': randomUUID(),
  };
}
