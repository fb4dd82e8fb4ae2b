import {
  type ActionRecord,
  type OutboxMessage,
  type OutboxStore,
  type SlackMessageStore,
  StoreError,
} from '@faramesh/store';
import type { WebClient } from '@slack/web-api';
import { actionToWire } from '../service/wire.js';
import type { Channel, DeliveryOutcome } from './channel.js';
import { NO_TOKEN } from './notification-router.js';
import { approvalMessage, type SlackMessage, testMessage } from './slack-blocks.js';
import type { SlackChannelConfig } from './slack-config.js';
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

  constructor(private readonly deps: SlackChannelDeps) {
    this.name = deps.config.name;
  }

  accepts(eventType: string, action: ActionRecord): boolean {
    const { allPending } = this.deps.config;
    if (eventType === 'decision_made') return allPending && action.status === 'pending_approval';
    if (!SLACK_UPDATE_EVENTS.has(eventType) || action.approval === undefined) return false;
    return allPending || (this.deps.ruleNotify(action)?.includes(this.name) ?? true);
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

  private async post(message: SlackMessage): Promise<{ slack_channel: string; ts: string }> {
    const result = await this.deps.client.chat.postMessage({
      channel: await this.conversation(),
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
    if (this.#conversation === null) {
      const opened = await this.deps.client.conversations.open({ users: target.dm });
      const id = opened.channel?.id;
      if (typeof id !== 'string') {
        throw Object.assign(new Error('no DM channel'), { code: 'slack_webapi_platform_error', data: {} });
      }
      this.#conversation = id;
    }
    return this.#conversation;
  }
}
