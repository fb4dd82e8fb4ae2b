import { identityKey } from '@faramesh/policy';
import type { ActionRecord, NewEvent, NewOutboxMessage } from '@faramesh/store';
import { OPEN_PRINCIPAL } from '../auth/authenticator.js';
import { actionToWire } from '../service/wire.js';
import type { Channel } from './channel.js';
import { stepPeople } from './escalation-people.js';
import { timeOrderedUuid } from './message-id.js';

/** Who a message's `recipient` is (its identity, as identities compare), or null for a channel message. */
function recipientKey(recipient: unknown): string | null {
  const identity = (recipient as { identity?: unknown } | null | undefined)?.identity;
  return typeof identity === 'string' ? identityKey(identity) : null;
}

/** Renders actions as an agent sees them: never with the approval token. */
export const NO_TOKEN = { ...OPEN_PRINCIPAL, role: 'agent' as const, openMode: false };

/**
 * Decides which channels an event notifies (each webhook endpoint's event filter) and builds the
 * messages, queued by the store in the same transaction as the event. The payload follows the
 * Standard Webhooks envelope: `type`, `timestamp`, `data` = the action on the wire (never the
 * approval token), its decision, `request_hash`, `policy_hash` and a dashboard link.
 */
export class NotificationRouter {
  constructor(
    private readonly channels: readonly Channel[],
    private readonly publicUrl: string | null,
    /** The channels the deciding rule's `notify:` names (told when an action starts to wait). */
    private readonly ruleNotify: (action: ActionRecord) => readonly string[] = () => [],
    private readonly newId: () => string = timeOrderedUuid,
  ) {}

  get enabled(): boolean {
    return this.channels.length > 0;
  }

  route(action: ActionRecord, events: readonly NewEvent[], at: string): NewOutboxMessage[] {
    if (this.channels.length === 0) return [];
    const messages: NewOutboxMessage[] = [];
    for (const event of events) {
      const first = messages.length;
      const told =
        event.event_type === 'decision_made' && action.status === 'pending_approval' ? this.ruleNotify(action) : [];
      for (const channel of this.channels) {
        if (!channel.accepts(event.event_type, action) && !told.includes(channel.name)) continue;
        const payload = this.payload(`action.${event.event_type}`, at, action, event.id);
        for (const recipient of channel.recipients?.(action) ?? [null]) {
          messages.push({
            id: `msg_${this.newId()}`,
            channel: channel.name,
            event_type: event.event_type,
            action_id: action.id,
            payload: recipient === null ? payload : { ...payload, recipient },
          });
        }
      }
      messages.push(...this.toPeople(action, event, messages.slice(first), at));
    }
    return messages;
  }

  /**
   * When an escalation step fires, its people (the approvers it adds, whom it notifies) are told
   * personally — an email each, a Slack direct message each — through the Slack and email channels
   * the deciding rule's `notify:` names, besides what those channels send anyway (a person an email
   * channel already mails about this event isn't mailed twice).
   */
  private toPeople(action: ActionRecord, event: NewEvent, routed: NewOutboxMessage[], at: string): NewOutboxMessage[] {
    const refs = stepPeople(event);
    if (refs.length === 0 || action.status !== 'pending_approval') return [];
    const named = this.ruleNotify(action);
    const messages: NewOutboxMessage[] = [];
    for (const channel of this.channels) {
      if (channel.personal === undefined || !named.includes(channel.name)) continue;
      const told = new Set(
        routed.filter((m) => m.channel === channel.name).map((m) => recipientKey(m.payload.recipient)),
      );
      const payload = this.payload(`action.${event.event_type}`, at, action, event.id);
      for (const recipient of channel.personal(action, refs)) {
        if (told.has(recipientKey(recipient))) continue;
        messages.push({
          id: `msg_${this.newId()}`,
          channel: channel.name,
          event_type: event.event_type,
          action_id: action.id,
          payload: { ...payload, recipient },
        });
      }
    }
    return messages;
  }

  /** A test message for `faramesh channels test NAME`. */
  test(channel: string, at: string, by: string): NewOutboxMessage {
    return {
      id: `msg_${this.newId()}`,
      channel,
      event_type: 'test',
      action_id: null,
      payload: { type: 'faramesh.test', timestamp: at, data: { message: 'test notification', requested_by: by } },
    };
  }

  private payload(type: string, at: string, action: ActionRecord, eventId: string) {
    // NO_TOKEN's role never sees the token, so the wire object has none: no rest copy to drop it (a
    // copy by rest is a dictionary-mode object in V8, slower to stringify into the outbox row).
    const wire = actionToWire(action, NO_TOKEN);
    if (wire.approval_token !== undefined) delete wire.approval_token;
    return {
      type,
      timestamp: at,
      data: {
        event_id: eventId,
        action: wire,
        decision: action.decision,
        status: action.status,
        request_hash: action.request_hash,
        policy_hash: action.policy_hash,
        dashboard_url: this.publicUrl === null ? null : new URL(`/?action=${action.id}`, this.publicUrl).href,
      },
    };
  }
}
