import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ActionRecord, Store } from '@faramesh/store';
import type { ServerConfig } from '../config/config.js';
import type { Metrics } from '../metrics/metrics.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import type { ServerLogger } from '../server.js';
import type { Channel } from './channel.js';
import { EmailChannel } from './email-channel.js';
import { emailChannels } from './email-channels.js';
import { NotificationRouter } from './notification-router.js';
import { Notifications } from './notifications.js';
import { OutboxWorker } from './outbox-worker.js';
import { slackChannels } from './slack-setup.js';
import { WebhookChannel } from './webhook-channel.js';

/**
 * Builds the channels from the configuration and starts this replica's outbox worker. Channels on a
 * store without an outbox (PostgreSQL, for now) are refused at start rather than silently dropped.
 */
export function startNotifications(
  config: ServerConfig,
  store: Store,
  metrics: Metrics,
  now: () => Date,
  log: ServerLogger,
  policy: PolicyHolder,
): Notifications & { close(): Promise<void> } {
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  const channels: Channel[] = config.channels.webhooks.map((webhook) => new WebhookChannel({ ...webhook }, now));
  channels.push(...emailChannels(config, store, policy, now));
  channels.push(
    ...slackChannels(config.channels.slack, {
      store,
      publicUrl: config.publicUrl,
      ruleNotify: (action) => ruleNotify(policy, action),
      owner,
      now,
    }),
  );
  if (channels.length > 0 && store.outbox === undefined) {
    throw Object.assign(
      new Error(`FARAMESH_CHANNELS_FILE configures channels, but the ${config.dbBackend} store has no outbox yet`),
      { code: 'config_invalid' },
    );
  }
  const byName = new Map(channels.map((channel) => [channel.name, channel]));
  const worker =
    store.outbox === undefined || channels.length === 0
      ? null
      : new OutboxWorker({
          outbox: store.outbox,
          channels: byName,
          settings: config.channels.delivery,
          owner,
          metrics,
          log,
          now,
        });
  // Only with channels configured: messages of an endpoint removed since are delivered by no one
  // until it is configured again (or, with other channels configured, go dead as "not configured").
  worker?.start();
  const notifications = new Notifications(
    store.outbox ?? null,
    new NotificationRouter(channels, config.publicUrl, (action) => ruleNotify(policy, action) ?? []),
    byName,
    worker,
    now,
  );
  return Object.assign(notifications, {
    close: async () => {
      await worker?.close();
      for (const channel of channels) if (channel instanceof EmailChannel) channel.close();
    },
  });
}

/**
 * The `notify:` of the rule that decided `action`, read from the active policy only when it is the
 * policy that decided (same hash): a reload in between never sends to another rule's channels. Null
 * when that can't be told any more (another policy is active).
 */
function ruleNotify(policy: PolicyHolder, action: ActionRecord): readonly string[] | null {
  const current = policy.current();
  if (current.hash !== action.policy_hash) return null;
  if (action.matched_rule === null) return [];
  return current.rules[action.matched_rule.index]?.notify ?? [];
}
