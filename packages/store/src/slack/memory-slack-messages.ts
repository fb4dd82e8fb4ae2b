import type { SlackMessageRecord, SlackMessageStore } from './slack-message-store.js';

interface Row extends SlackMessageRecord {
  lock_owner: string | null;
  lock_expires_at: string | null;
}

/** `store.slackMessages` in memory (tests). */
export function createMemorySlackMessages(open: () => void): SlackMessageStore {
  const rows = new Map<string, Row>();
  const key = (channel: string, actionId: string) => JSON.stringify([channel, actionId]);
  const view = ({ lock_owner: _o, lock_expires_at: _e, ...record }: Row): SlackMessageRecord => ({ ...record });
  return {
    async add(record, at) {
      open();
      const k = key(record.channel, record.action_id);
      if (rows.has(k)) return false;
      rows.set(k, { ...record, created_at: at, updated_at: at, lock_owner: null, lock_expires_at: null });
      return true;
    },
    async get(channel, actionId) {
      open();
      const row = rows.get(key(channel, actionId));
      return row === undefined ? null : view(row);
    },
    async lock(channel, actionId, { owner, at, until }) {
      open();
      const row = rows.get(key(channel, actionId));
      if (row === undefined || (row.lock_expires_at !== null && row.lock_expires_at > at)) return null;
      Object.assign(row, { lock_owner: owner, lock_expires_at: until, updated_at: at });
      return view(row);
    },
    async unlock(channel, actionId, owner, { at, rendered_version }) {
      open();
      const row = rows.get(key(channel, actionId));
      if (row === undefined || row.lock_owner !== owner) return false;
      Object.assign(row, {
        lock_owner: null,
        lock_expires_at: null,
        updated_at: at,
        rendered_version: Math.max(row.rendered_version, rendered_version ?? row.rendered_version),
      });
      return true;
    },
  };
}
