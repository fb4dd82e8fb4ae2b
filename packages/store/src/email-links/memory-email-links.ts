import type { EmailLinkStore, EmailLinkUse } from './email-link-store.js';

export function createMemoryEmailLinks(open: () => void): EmailLinkStore {
  const uses = new Map<string, EmailLinkUse>();
  return {
    async use(use) {
      open();
      if (uses.has(use.link_id)) return false;
      uses.set(use.link_id, { ...use });
      return true;
    },
    async get(linkId) {
      open();
      const found = uses.get(linkId);
      return found === undefined ? null : { ...found };
    },
    async deleteExpired(at, limit) {
      open();
      let deleted = 0;
      for (const [id, use] of uses) {
        if (deleted >= limit) break;
        if (use.expires_at <= at) {
          uses.delete(id);
          deleted++;
        }
      }
      return deleted;
    },
  };
}
