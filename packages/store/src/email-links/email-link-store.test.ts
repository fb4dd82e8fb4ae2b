import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../memory/memory-store.js';
import { describeWithPostgres } from '../postgres/postgres-cluster.test-support.js';
import { createPostgresStore } from '../postgres/postgres-store.js';
import { createSqliteStore } from '../sqlite/sqlite-store.js';
import type { Store } from '../store.js';
import type { EmailLinkStore, EmailLinkUse } from './email-link-store.js';

const use = (link_id: string, expires_at = '2030-01-01T00:15:00.000Z'): EmailLinkUse => ({
  link_id,
  action_id: 'a1',
  identity: 'alice@corp.example',
  decision: 'approve',
  used_at: '2030-01-01T00:00:00.000Z',
  expires_at,
});

/** The same behaviour on every adapter: first use wins, even among concurrent uses; expired rows go. */
function describeEmailLinks(name: string, open: () => Promise<Store>): void {
  describe(`email link uses (${name})`, () => {
    const stores: Store[] = [];
    const links = async (): Promise<EmailLinkStore> => {
      const store = await open();
      stores.push(store);
      await store.migrate();
      return store.emailLinks as EmailLinkStore;
    };
    afterAll(async () => {
      for (const store of stores) await store.close();
    });

    it('records the first use of a link and refuses every later one', async () => {
      const store = await links();
      expect(await store.use(use('l1'))).toBe(true);
      expect(await store.use({ ...use('l1'), decision: 'deny', identity: 'mallory@corp.example' })).toBe(false);
      expect(await store.get('l1')).toEqual(use('l1'));
      expect(await store.get('never-used')).toBeNull();
    });

    it('lets exactly one of many concurrent uses of one link count', async () => {
      const store = await links();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.use(use('race'))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('sweeps the uses of expired links in bounded batches, keeping live ones', async () => {
      const store = await links();
      for (const id of ['old-1', 'old-2', 'old-3']) await store.use(use(id, '2030-01-01T00:01:00.000Z'));
      await store.use(use('live', '2030-01-01T01:00:00.000Z'));
      expect(await store.deleteExpired('2030-01-01T00:10:00.000Z', 2)).toBe(2);
      expect(await store.deleteExpired('2030-01-01T00:10:00.000Z', 10)).toBe(1);
      expect(await store.get('live')).not.toBeNull();
      expect(await store.get('old-3')).toBeNull();
    });
  });
}

describeEmailLinks('memory', async () => createMemoryStore());
describeEmailLinks('sqlite', async () =>
  createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'faramesh-links-')), 'actions.db') }),
);
describeWithPostgres('email link uses on postgres', (cluster) => {
  describeEmailLinks('postgres', async () => createPostgresStore({ dsn: await (await cluster()).createDatabase() }));
});
