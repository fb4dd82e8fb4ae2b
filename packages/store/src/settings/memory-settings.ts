import type { SettingRecord, SettingsStore } from './settings-store.js';

export function createMemorySettings(open: () => void): SettingsStore {
  const settings = new Map<string, SettingRecord>();
  return {
    async get(name) {
      open();
      const found = settings.get(name);
      return found === undefined ? null : { ...found };
    },
    async compareAndSet({ name, expected, value, at }) {
      open();
      if ((settings.get(name)?.value ?? null) !== expected) return false;
      settings.set(name, { name, value, set_at: at });
      return true;
    },
  };
}
