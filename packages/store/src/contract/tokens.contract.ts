import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewToken } from '../token-store.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, nextTime } from './fixtures.js';

function newToken(overrides: Partial<NewToken> = {}): NewToken {
  const secret = `fm_${randomUUID()}`;
  return {
    id: randomUUID(),
    name: 'alice',
    role: 'approver',
    groups: ['finance', 'sre'],
    agent_ids: null,
    secret_hash: createHash('sha256').update(secret).digest('hex'),
    prefix: secret.slice(0, 7),
    created_at: nextTime(),
    created_by: 'root',
    expires_at: null,
    ...overrides,
  };
}

/** `store.tokens`: database-managed API tokens, looked up by the digest of their secret. */
export function describeTokensContract(s: ContractScope): void {
  describe('tokens', () => {
    it('stores a token and finds it by digest, id and active name, lists intact', async () => {
      await s.fresh();
      const input = newToken({ role: 'agent', agent_ids: ['bot-*', 'etl'], expires_at: '2031-01-01T00:00:00.000Z' });
      const created = await s.store.tokens.create(input);
      const expected = { ...input, last_used_at: null, revoked_at: null, revoked_by: null };
      expect(created).toEqual(expected);
      expect(await s.store.tokens.findByHash(input.secret_hash)).toEqual(expected);
      expect(await s.store.tokens.get(input.id)).toEqual(expected);
      expect(await s.store.tokens.findActiveByName('alice')).toEqual(expected);
      expect(await s.store.tokens.findByHash('0'.repeat(64))).toBeNull();
      expect(await s.store.tokens.get(randomUUID())).toBeNull();
      expect(await s.store.tokens.findActiveByName('bob')).toBeNull();
    });

    it('refuses a second token with the name of one not revoked, and frees the name on revocation', async () => {
      await s.fresh();
      const first = await s.store.tokens.create(newToken());
      await expectStoreError(s.store.tokens.create(newToken()), 'already_exists');
      await expectStoreError(
        s.store.tokens.create(newToken({ name: 'bob', secret_hash: first.secret_hash })),
        'already_exists',
      );
      await s.store.tokens.revoke(first.id, nextTime(), 'root');
      const second = await s.store.tokens.create(newToken());
      expect((await s.store.tokens.findActiveByName('alice'))?.id).toBe(second.id);
      expect((await s.store.tokens.findByHash(first.secret_hash))?.revoked_by).toBe('root');
    });

    it('keeps the first revocation and answers null for an unknown id', async () => {
      await s.fresh();
      const token = await s.store.tokens.create(newToken());
      const at = nextTime();
      expect(await s.store.tokens.revoke(token.id, at, 'root')).toMatchObject({ revoked_at: at, revoked_by: 'root' });
      expect(await s.store.tokens.revoke(token.id, nextTime(), 'other')).toMatchObject({
        revoked_at: at,
        revoked_by: 'root',
      });
      expect(await s.store.tokens.revoke(randomUUID(), nextTime(), 'root')).toBeNull();
    });

    it('moves last_used_at forward only, and ignores unknown ids', async () => {
      await s.fresh();
      const token = await s.store.tokens.create(newToken());
      const early = nextTime();
      const late = nextTime();
      await s.store.tokens.touch([
        { id: token.id, at: late },
        { id: randomUUID(), at: late },
      ]);
      await s.store.tokens.touch([{ id: token.id, at: early }]);
      await s.store.tokens.touch([]);
      expect((await s.store.tokens.get(token.id))?.last_used_at).toBe(late);
    });

    it('lists in creation order, page by page', async () => {
      await s.fresh();
      const names = ['a', 'b', 'c', 'd', 'e'];
      for (const name of names) await s.store.tokens.create(newToken({ name }));
      const first = await s.store.tokens.list({ limit: 2 });
      const second = await s.store.tokens.list({ limit: 2, after: first.at(-1)!.id });
      const third = await s.store.tokens.list({ limit: 2, after: second.at(-1)!.id });
      expect([...first, ...second, ...third].map((token) => token.name)).toEqual(names);
      expect(await s.store.tokens.list({ limit: 10, after: third.at(-1)!.id })).toEqual([]);
    });

    it('counts tokens: all of them, the active ones and those expired but not revoked', async () => {
      await s.fresh();
      expect(await s.store.tokens.count(nextTime())).toEqual({ total: 0, active: 0, expired: 0 });
      const past = nextTime();
      await s.store.tokens.create(newToken({ name: 'old', expires_at: past }));
      await s.store.tokens.create(newToken({ name: 'later', expires_at: '2099-01-01T00:00:00.000Z' }));
      const revoked = await s.store.tokens.create(newToken({ name: 'gone' }));
      await s.store.tokens.create(newToken({ name: 'forever' }));
      await s.store.tokens.revoke(revoked.id, nextTime(), 'root');
      expect(await s.store.tokens.count(nextTime())).toEqual({ total: 4, active: 2, expired: 1 });
    });

    if (s.capabilities.durable) {
      it('keeps tokens across a reopen', async () => {
        await s.fresh();
        const token = await s.store.tokens.create(newToken());
        if (!s.opened?.reopen) throw new Error(`${s.name} is durable but gives no reopen()`);
        s.store = await s.opened.reopen();
        expect((await s.store.tokens.findByHash(token.secret_hash))?.name).toBe('alice');
      });
    }
  });
}
