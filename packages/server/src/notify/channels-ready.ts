import type { ReadinessCheck } from '../health/readiness.js';
import type { ChannelsReload } from './channels-reload.js';

/** The channels in use and why the last reload was refused (they stayed): informational, always ok. */
export function channelsCheck(reload: ChannelsReload): ReadinessCheck {
  return {
    name: 'channels',
    async check() {
      const status = reload.status();
      return {
        ok: true,
        details: {
          file: status.file,
          channels: status.channels,
          loaded_at: status.loaded_at,
          last_reload_error: status.last_error?.message ?? null,
        },
      };
    },
  };
}
