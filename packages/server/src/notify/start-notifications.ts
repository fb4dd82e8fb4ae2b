import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ActionRecord, Store } from '@faramesh/store';
import type { ServerConfig } from '../config/config.js';
import type { Metrics } from '../metrics/metrics.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import type { ServerLogger } from '../server.js';
import type { Channel } from './channel.js';
import type { ChannelsConfig } from './channels-config.js';
import { ChannelsReload, closeAll } from './channels-reload.js';
import { emailChannels } from './email-channels.js';
import { identityDirectory } from './email-recipients.js';
import { NotificationRouter } from './notification-router.js';
import { Notifications } from './notifications.js';
import { OutboxWorker } from './outbox-worker.js';
import { slackChannels } from './slack-setup.js';
import { WebhookChannel } from './webhook-channel.js';

export interface StartedNotifications extends Notifications {
  /** FARAMESH_CHANNELS_FILE's hot reload (channels-reload.ts). */
  reload: ChannelsReload;
  /** Payload bytes this replica's outbox worker holds in memory (0 without channels). */
  heldBytes(): number;
  close(): Promise<void>;
}

/**
 * Builds the channels from the configuration and starts this replica's outbox worker. Channels on a
 * store without an outbox (PostgreSQL, for now) are refused at start rather than silently dropped.
 * A reload (`reload`) swaps the channels the router and the worker use.
 */
export function startNotifications(
  config: ServerConfig,
  store: Store,
  metrics: Metrics,
  now: () => Date,
  log: ServerLogger,
  policy: PolicyHolder,
  port: () => number = () => config.port,
): StartedNotifications {
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  const build = (channelsConfig: ChannelsConfig): Channel[] => {
    const withChannels = { ...config, channels: channelsConfig };
    const channels: Channel[] = channelsConfig.webhooks.map((webhook) => new WebhookChannel({ ...webhook }, now));
    channels.push(...emailChannels(withChannels, store, policy, now));
    channels.push(
      ...slackChannels(channelsConfig.slack, {
        store,
        publicUrl: config.publicUrl,
        ruleNotify: (action) => ruleNotify(policy, action),
        directory: identityDirectory(config.tokens),
        owner,
        now,
      }),
    );
    if (channels.length > 0 && store.outbox === undefined) {
      closeAll(channels);
      throw Object.assign(
        new Error(`FARAMESH_CHANNELS_FILE configures channels, but the ${config.dbBackend} store has no outbox yet`),
        { code: 'config_invalid' },
      );
    }
    return channels;
  };
  let worker: OutboxWorker | null = null;
  const router = (channels: Channel[]) =>
    new NotificationRouter(channels, config.publicUrl, (action) => ruleNotify(policy, action) ?? []);
  const byNameOf = (channels: Channel[]) => new Map(channels.map((channel) => [channel.name, channel]));
  // The worker starts with the first channels (at start or on a reload) and then stays: messages of
  // a channel removed since go dead as "not configured" after the attempt limit, visible and re-drivable.
  const workerFor = (channelsConfig: ChannelsConfig, byName: Map<string, Channel>): OutboxWorker | null => {
    if (worker !== null) worker.use(byName, channelsConfig.delivery);
    else if (store.outbox !== undefined && byName.size > 0) {
      worker = new OutboxWorker({
        outbox: store.outbox,
        channels: byName,
        settings: channelsConfig.delivery,
        owner,
        metrics,
        log,
        now,
      });
      worker.start();
    }
    return worker;
  };
  const initial = build(config.channels);
  const initialByName = byNameOf(initial);
  const notifications = new Notifications(
    store.outbox ?? null,
    router(initial),
    initialByName,
    workerFor(config.channels, initialByName),
    now,
  );
  const reload = new ChannelsReload({
    config,
    port,
    build,
    swap: async (channelsConfig, channels) => {
      const byName = byNameOf(channels);
      notifications.use(router(channels), byName, workerFor(channelsConfig, byName));
      // Deliveries already under way finish with the channels they started with.
      await worker?.settled();
    },
    initial,
    now,
  });
  return Object.assign(notifications, {
    reload,
    heldBytes: () => worker?.heldBytes ?? 0,
    close: async () => {
      await worker?.close();
      closeAll(reload.current);
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
