import type { LoadPolicyOptions } from '@faramesh/policy';
import type { ServerConfig } from '../config/config.js';
import type { Metrics } from '../metrics/metrics.js';
import { channelNames } from '../notify/channels-config.js';
import type { ChannelsReload } from '../notify/channels-reload.js';
import { type PolicyAndChannelsOutcome, reloadPolicyAndChannels } from '../notify/policy-channels-reload.js';
import type { ServerLogger } from '../server.js';
import type { ShadowPolicy } from '../shadow/shadow-policy.js';
import type { PolicyHolder } from './policy-holder.js';

export interface PolicyReloaderParts {
  config: ServerConfig;
  policy: PolicyHolder;
  channels: ChannelsReload;
  loadOptions: LoadPolicyOptions;
  shadow: ShadowPolicy;
  metrics: Metrics;
  log: ServerLogger;
  warnOfUnreachableQuorums: () => Promise<void>;
  /** Called once channels reloaded, before they are logged: rewires what is built from them (Slack). */
  onChannelsReloaded: () => void;
}

/**
 * The one reload of the admin API, the file watchers and shadow promotion: the policy with the
 * channels file, then the shadow policy file; each outcome logged and counted.
 */
export function policyReloader(parts: PolicyReloaderParts): () => Promise<PolicyAndChannelsOutcome> {
  const { config, policy, loadOptions, shadow, metrics, log } = parts;
  return async () => {
    const before = channelNames(config.channels).join(', ');
    const outcome = await reloadPolicyAndChannels({ policy, channels: parts.channels, loadOptions });
    if (outcome.channels?.ok === true) {
      parts.onChannelsReloaded();
      const after = channelNames(config.channels).join(', ');
      if (after !== before) log.info(`channels reloaded: ${config.channels.file} (${after || 'none'})`);
    }
    if (outcome.channels?.ok === false) {
      log.warn(
        `channels reload refused, keeping the last good channels (${before || 'none'}):\n${outcome.channels.message}`,
      );
    }
    // The admin reload (and promotion) re-reads FARAMESH_SHADOW_POLICY too; it keeps its last good one.
    await shadow.reloadFile();
    metrics.policyReloads.inc({ result: outcome.ok ? 'ok' : 'invalid' });
    if (outcome.ok && outcome.changed) {
      log.info(`policy reloaded: ${outcome.status.file} (version ${outcome.status.version})`);
      await parts.warnOfUnreachableQuorums().catch(() => {});
    }
    if (!outcome.ok) log.warn(`policy reload failed, keeping version ${outcome.status.version}:\n${outcome.message}`);
    return outcome;
  };
}
