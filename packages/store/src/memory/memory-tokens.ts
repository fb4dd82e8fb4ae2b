import { StoreError } from '../store.js';
import type { TokenRecord, TokenStore } from '../token-store.js';

const byCreation = (a: TokenRecord, b: TokenRecord) =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** `store.tokens` for the memory store; records are copied in and out, as everywhere in it. */
export function createMemoryTokens(open: () => void): TokenStore {
  const tokens = new Map<string, TokenRecord>();
  const copy = (token: TokenRecord | undefined): TokenRecord | null => (token ? structuredClone(token) : null);
  const find = (test: (token: TokenRecord) => boolean) => copy([...tokens.values()].find(test));
  return {
    async create(token) {
      open();
      for (const other of tokens.values()) {
        if (other.id === token.id || other.secret_hash === token.secret_hash) {
          throw new StoreError('already_exists', `token ${token.id} exists`);
        }
        if (other.name === token.name && other.revoked_at === null) {
          throw new StoreError('already_exists', `a token named "${token.name}" exists and is not revoked`);
        }
      }
      const record: TokenRecord = { ...structuredClone(token), last_used_at: null, revoked_at: null, revoked_by: null };
      tokens.set(record.id, record);
      return structuredClone(record);
    },

    async findByHash(secretHash) {
      open();
      return find((token) => token.secret_hash === secretHash);
    },

    async get(id) {
      open();
      return copy(tokens.get(id));
    },

    async findActiveByName(name) {
      open();
      return find((token) => token.name === name && token.revoked_at === null);
    },

    async list({ limit, after }) {
      open();
      const sorted = [...tokens.values()].sort(byCreation);
      const cursor = after === undefined ? null : tokens.get(after);
      if (after !== undefined && cursor === undefined) return [];
      const start = cursor ? sorted.filter((token) => byCreation(token, cursor) <= 0).length : 0;
      return sorted.slice(start, start + Math.max(0, limit)).map((token) => structuredClone(token));
    },

    async revoke(id, at, by) {
      open();
      const token = tokens.get(id);
      if (token === undefined) return null;
      if (token.revoked_at === null) Object.assign(token, { revoked_at: at, revoked_by: by });
      return structuredClone(token);
    },

    async touch(uses) {
      open();
      for (const use of uses) {
        const token = tokens.get(use.id);
        if (token && (token.last_used_at === null || token.last_used_at < use.at)) token.last_used_at = use.at;
      }
    },

    async count(at) {
      open();
      const live = [...tokens.values()].filter((token) => token.revoked_at === null);
      const expired = live.filter((token) => token.expires_at !== null && token.expires_at <= at).length;
      return { total: tokens.size, active: live.length - expired, expired };
    },
  };
}
