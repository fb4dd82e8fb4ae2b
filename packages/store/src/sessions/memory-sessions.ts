import type { SessionRecord, SessionStore } from './session-store.js';

/** `store.sessions` in memory (tests only, like the memory store itself). */
export function createMemorySessions(open: () => void): SessionStore {
  const sessions = new Map<string, SessionRecord>();
  const copy = (session: SessionRecord): SessionRecord => ({ ...session, groups: [...session.groups] });
  return {
    async create(session, maxPerSubject) {
      open();
      sessions.set(session.id_hash, copy(session));
      const others = [...sessions.values()]
        .filter((s) => s.subject === session.subject && s.id_hash !== session.id_hash)
        .sort((a, b) => (a.created_at === b.created_at ? cmp(b.id_hash, a.id_hash) : cmp(b.created_at, a.created_at)));
      const evicted = others.slice(Math.max(0, maxPerSubject - 1));
      for (const old of evicted) sessions.delete(old.id_hash);
      return { evicted: evicted.length };
    },
    async get(idHash) {
      open();
      const session = sessions.get(idHash);
      return session === undefined ? null : copy(session);
    },
    async touch(idHash, lastSeenAt, idleExpiresAt) {
      open();
      const session = sessions.get(idHash);
      if (session === undefined) return false;
      session.last_seen_at = lastSeenAt;
      session.idle_expires_at = idleExpiresAt;
      return true;
    },
    async delete(idHash) {
      open();
      return sessions.delete(idHash);
    },
    async deleteExpired(at, limit) {
      open();
      const due = [...sessions.values()]
        .filter((s) => s.idle_expires_at <= at)
        .sort((a, b) => cmp(a.idle_expires_at, b.idle_expires_at))
        .slice(0, Math.max(0, limit));
      for (const session of due) sessions.delete(session.id_hash);
      return due.length;
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
