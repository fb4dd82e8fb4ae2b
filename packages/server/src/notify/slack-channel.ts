import { identityKey } from '@faramesh/policy';
import {
  type ActionRecord,
  type JsonObject,
  type OutboxMessage,
  type OutboxStore,
  type SlackMessageStore,
  StoreError,
} from '@faramesh/store';
import type { WebClient } from '@slack/web-api';
import { actionToWire } from '../service/wire.js';
import type { Channel, DeliveryOutcome } from './channel.js';
import { MAX_RECIPIENTS } from './email-config.js';
import { type IdentityDirectory, recipientIdentities } from './email-recipients.js';
import { requirementGroups } from './escalation-people.js';
import { NO_TOKEN } from './notification-router.js';
import { approvalMessage, type SlackMessage, testMessage } from './slack-blocks.js';
import { SLACK_USER_ID, type SlackChannelConfig } from './slack-config.js';
import { isGoneMessage, slackErrorText } from './slack-web-client.js';

/** Ledger events after which an action's Slack message is brought up to date. */
export const SLACK_UPDATE_EVENTS: ReadonlySet<string> = new Set([
  'approval_recorded',
  'approved',
  'denied',
  'expired',
  'cancelled',
  'escalated',
]);

export interface SlackChannelDeps {
  config: SlackChannelConfig;
  client: WebClient;
  getAction(id: string): Promise<ActionRecord | null>;
  messages: SlackMessageStore;
  outbox: OutboxStore;
  publicUrl: string | null;
  /**
   * The channels the rule that decided `action` notifies; null when that can't be told any more
   * (the policy was reloaded since), in which case updates are routed and the delivery finds out.
   */
  ruleNotify(action: ActionRecord): readonly string[] | null;
  /** Slack user id → identity (the `users:` map): who can be sent a direct message. */
  users: ReadonlyMap<string, string>;
  /** The environment tokens, for `group:NAME` references. */
  directory: IdentityDirectory;
  /** Unique per process: the owner of the message locks it takes. */
  owner: string;
  /** How long a message lock holds before another replica may take it over. */
  lockMs: number;
  now: () => Date;
}

const ok: DeliveryOutcome = { ok: true };
const failed = (error: string): DeliveryOutcome => ({ ok: false, error });

/**
 * A Slack conversation (channel or DM) that gets one Block Kit message per action waiting for
 * approval, posted from the outbox (`decision_made`), and keeps it current: each later ledger event
 * of the action (`SLACK_UPDATE_EVENTS`), whatever decided it (dashboard, CLI, API, Slack, email),
 * queues an update that renders the action as it is at delivery time and sends it with
 * `chat.update` under the message's lock, so the last update to land is the newest state.
 */
export class SlackChannel implements Channel {
  readonly kind = 'slack' as const;
  readonly name: string;
  #conversation: string | null = null;
  /** Identity (as identities compare) → the Slack user mapped to it first. */
  readonly #slackUserOf = new Map<string, string>();

  constructor(private readonly deps: SlackChannelDeps) {
    this.name = deps.config.name;
    for (const [user, identity] of deps.users) {
      if (!this.#slackUserOf.has(identityKey(identity))) this.#slackUserOf.set(identityKey(identity), user);
    }
  }

  accepts(eventType: string, action: ActionRecord): boolean {
    const { allPending } = this.deps.config;
    if (eventType === 'decision_made') return allPending && action.status === 'pending_approval';
    if (!SLACK_UPDATE_EVENTS.has(eventType) || action.approval === undefined) return false;
    return allPending || (this.deps.ruleNotify(action)?.includes(this.name) ?? true);
  }

  /**
   * People named by reference (an escalation step's) who have a Slack user in the `users:` map,
   * each sent a direct message; groups as the action's requirement snapshots them.
   */
  personal(action: ActionRecord, refs: readonly string[]): JsonObject[] {
    if (action.status !== 'pending_approval') return [];
    const people: JsonObject[] = [];
    for (const identity of recipientIdentities(refs, action, requirementGroups(action), this.deps.directory)) {
      const user = this.#slackUserOf.get(identityKey(identity));
      if (user !== undefined) people.push({ identity, slack_user: user });
      if (people.length >= MAX_RECIPIENTS) break;
    }
    return people;
  }

  async deliver(message: OutboxMessage): Promise<DeliveryOutcome> {
    try {
      if (message.event_type === 'test') {
        const requestedBy = (message.payload.data as { requested_by?: unknown } | undefined)?.requested_by;
        await this.post(testMessage(typeof requestedBy === 'string' ? requestedBy : 'an admin'));
        return ok;
      }
      if (message.action_id === null) return ok;
      const record = await this.deps.getAction(message.action_id);
      if (record === null) return ok;
      const person = directUser(message.payload.recipient);
      if (person !== null) return await this.direct(record, person);
      return message.event_type === 'decision_made' ? await this.postFor(record) : await this.update(record.id);
    } catch (error) {
      return failed(error instanceof StoreError ? `the database failed (${error.code})` : slackErrorText(error));
    }
  }

  /** Posts the action's message, unless an earlier attempt already did (then it is updated). */
  private async postFor(record: ActionRecord): Promise<DeliveryOutcome> {
    const { messages, now } = this.deps;
    if ((await messages.get(this.name, record.id)) !== null) return this.update(record.id);
    const posted = await this.post(this.render(record));
    await messages.add(
      { channel: this.name, action_id: record.id, ...posted, rendered_version: record.version },
      now().toISOString(),
    );
    // Decided while the post was on its way: its update waited for this row, but catch up now.
    const latest = await this.deps.getAction(record.id);
    return latest !== null && latest.version > record.version ? this.update(record.id) : ok;
  }

  /**
   * A direct message to one person with the action's message as it is now (the same blocks and
   * buttons as the channel's). Not kept current afterwards: a press on a decided action only gets
   * an ephemeral "nothing changed". Nothing is sent once the action no longer waits.
   */
  private async direct(record: ActionRecord, user: string): Promise<DeliveryOutcome> {
    if (record.status !== 'pending_approval') return ok;
    await this.post(this.render(record), await this.openDm(user));
    return ok;
  }

  private async post(message: SlackMessage, channel?: string): Promise<{ slack_channel: string; ts: string }> {
    const result = await this.deps.client.chat.postMessage({
      channel: channel ?? (await this.conversation()),
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    if (typeof result.channel !== 'string' || typeof result.ts !== 'string') {
      throw Object.assign(new Error('no channel or ts'), { code: 'slack_webapi_platform_error', data: {} });
    }
    return { slack_channel: result.channel, ts: result.ts };
  }

  /** Renders the action as it is now into its message, under the message's lock. */
  private async update(actionId: string): Promise<DeliveryOutcome> {
    const { messages, owner, lockMs, now } = this.deps;
    const at = now();
    const row = await messages.lock(this.name, actionId, {
      owner,
      at: at.toISOString(),
      until: new Date(at.getTime() + lockMs).toISOString(),
    });
    if (row === null) {
      if ((await messages.get(this.name, actionId)) !== null)
        return failed('another update of this message is on its way');
      return (await this.postPending(actionId)) ? failed('waiting for the Slack message to be posted') : ok;
    }
    let rendered: number | null = null;
    try {
      const record = await this.deps.getAction(actionId);
      if (record !== null && record.version > row.rendered_version) {
        const message = this.render(record);
        await this.deps.client.chat.update({
          channel: row.slack_channel,
          ts: row.ts,
          text: message.text,
          blocks: message.blocks,
        });
        rendered = record.version;
      }
      return ok;
    } catch (error) {
      // Deleted in Slack, or no longer editable: there is nothing left to keep current.
      return isGoneMessage(error) ? ok : failed(slackErrorText(error));
    } finally {
      await messages
        .unlock(this.name, actionId, owner, { at: now().toISOString(), rendered_version: rendered })
        .catch(() => {});
    }
  }

  /** Whether this channel's post of the action is still queued (not yet delivered, not dead). */
  private async postPending(actionId: string): Promise<boolean> {
    const queued = await this.deps.outbox.list({ action_id: actionId, status: 'queued', limit: 200 });
    return queued.some((m) => m.channel === this.name && m.event_type === 'decision_made');
  }

  private render(record: ActionRecord): SlackMessage {
    const { publicUrl } = this.deps;
    const link = publicUrl === null ? null : new URL(`/?action=${record.id}`, publicUrl).href;
    return approvalMessage(actionToWire(record, NO_TOKEN), link);
  }

  /** The conversation to post in: the configured channel, or the DM opened with the configured person. */
  private async conversation(): Promise<string> {
    const { target } = this.deps.config;
    if ('channel' in target) return target.channel;
    this.#conversation ??= await this.openDm(target.dm);
    return this.#conversation;
  }

  private async openDm(user: string): Promise<string> {
    const opened = await this.deps.client.conversations.open({ users: user });
    const id = opened.channel?.id;
    if (typeof id !== 'string') {
      throw Object.assign(new Error('no DM channel'), { code: 'slack_webapi_platform_error', data: {} });
    }
    return id;
  }
}

/** The Slack user a message's `recipient` is sent to directly, or null for the channel's own message. */
function directUser(recipient: unknown): string | null {
  const user = (recipient as { slack_user?: unknown } | null | undefined)?.slack_user;
  return typeof user === 'string' && SLACK_USER_ID.test(user) ? user : null;
}
