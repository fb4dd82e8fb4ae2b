import type { ServerConfig } from '../config/config.js';
import type { ShadowPolicy } from '../shadow/shadow-policy.js';
import { watchPolicyFile } from './policy-watcher.js';

/** How often a replica checks the database for a shadow policy set or cleared on another one. */
const SHADOW_SYNC_MS = 2000;

/**
 * Watches the policy, channels and shadow policy files (with hot reload on) and, without a shadow
 * file, follows the shadow policy other replicas set or clear through the API; `close` stops all.
 */
export function startHotReloadWatchers(
  config: ServerConfig,
  reloadPolicy: () => Promise<unknown>,
  shadow: ShadowPolicy,
): { close(): void } {
  const watcher = config.hotReload ? watchPolicyFile(config.policyFile, () => void reloadPolicy()) : null;
  const channelsFile = config.channels.file;
  const channelsWatcher =
    config.hotReload && channelsFile !== null ? watchPolicyFile(channelsFile, () => void reloadPolicy()) : null;
  const shadowFile = config.shadow.file;
  const shadowWatcher =
    config.hotReload && shadowFile !== null ? watchPolicyFile(shadowFile, () => void shadow.reloadFile()) : null;
  // Without a file, follow the shadow policy other replicas set or clear through the API.
  const shadowSync = shadowFile === null ? setInterval(() => void shadow.sync(), SHADOW_SYNC_MS) : null;
  shadowSync?.unref();
  return {
    close() {
      watcher?.close();
      channelsWatcher?.close();
      shadowWatcher?.close();
      if (shadowSync !== null) clearInterval(shadowSync);
    },
  };
}
