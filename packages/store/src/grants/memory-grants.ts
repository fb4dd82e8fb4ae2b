import { changedGrant, grantIdOf, isLive, usedGrant } from './grant-rules.js';
import type { GrantChange, GrantRecord, GrantStore, GrantUse } from './grant-store.js';

/** `store.grants` in memory, plus the staged writes the memory store commits with an action's write. */
export interface MemoryGrants extends GrantStore {
  /** Checks a use or change now (throwing as the SQL adapters would); the returned commit applies it. */
  stage(write: GrantUse | GrantChange): () => void;
}

export function createMemoryGrants(open: () => void): MemoryGrants {
  const grants = new Map<string, GrantRecord>();
  const copy = (grant: GrantRecord): GrantRecord => structuredClone(grant);
  const newestFirst = (a: GrantRecord, b: GrantRecord) => order(b, a);
  return {
    stage(write) {
      const next =
        'kind' in write ? changedGrant(grants.get(grantIdOf(write)), write) : usedGrant(grants.get(write.id), write);
      return () => grants.set(next.id, structuredClone(next));
    },

    async get(id) {
      open();
      const grant = grants.get(id);
      return grant === undefined ? null : copy(grant);
    },

    async list({ live_at, action_id, limit, after }) {
      open();
      const cursor = after === undefined ? undefined : grants.get(after);
      if (after !== undefined && cursor === undefined) return [];
      return [...grants.values()]
        .filter((g) => live_at === undefined || isLive(g, live_at))
        .filter((g) => action_id === undefined || g.action_id === action_id)
        .filter((g) => cursor === undefined || order(g, cursor) < 0)
        .sort(newestFirst)
        .slice(0, Math.max(0, limit))
        .map(copy);
    },

    async live(tool, operation, at, limit) {
      open();
      return [...grants.values()]
        .filter((g) => g.tool === tool && g.operation === operation && isLive(g, at))
        .sort(order)
        .slice(0, Math.max(0, limit))
        .map(copy);
    },

    async dueExpiry(at, limit) {
      open();
      const key = (g: GrantRecord) => `${g.expires_at}\u0000${g.id}`;
      return [...grants.values()]
        .filter((g) => g.revoked_at === null && g.expiry_recorded_at === null && g.expires_at <= at)
        .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
        .slice(0, Math.max(0, limit))
        .map(copy);
    },
  };
}

/** Oldest first: (created_at, id). */
function order(a: GrantRecord, b: GrantRecord): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
