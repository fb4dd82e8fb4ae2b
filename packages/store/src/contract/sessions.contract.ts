import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../sessions/session-store.js';
import type { ContractScope } from './contract-scope.js';

const T = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString();

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id_hash: randomBytes(32).toString('hex'),
    subject: 'https://idp.example|alice',
    name: 'alice@corp.example',
    role: 'approver',
    groups: ['finance', 'sre'],
    created_at: T(0),
    last_seen_at: T(0),
    expires_at: T(600),
    idle_expires_at: T(30),
    ...overrides,
  };
}

/** `store.sessions`: dashboard login sessions, shared by every replica. */
export function describeSessionsContract(s: ContractScope): void {
  describe('sessions', () => {
    it('stores a session under its id hash and reads it back unchanged', async () => {
      await s.fresh();
      const alice = session();
      expect(await s.store.sessions.create(alice, 10)).toEqual({ evicted: 0 });
      expect(await s.store.sessions.get(alice.id_hash)).toEqual(alice);
      expect(await s.store.sessions.get('f'.repeat(64))).toBeNull();
    });

    it('records activity and ends a session on delete, once', async () => {
      await s.fresh();
      const alice = session();
      await s.store.sessions.create(alice, 10);
      expect(await s.store.sessions.touch(alice.id_hash, T(10), T(40))).toBe(true);
      expect(await s.store.sessions.get(alice.id_hash)).toMatchObject({ last_seen_at: T(10), idle_expires_at: T(40) });
      expect(await s.store.sessions.delete(alice.id_hash)).toBe(true);
      expect(await s.store.sessions.delete(alice.id_hash)).toBe(false);
      expect(await s.store.sessions.get(alice.id_hash)).toBeNull();
      expect(await s.store.sessions.touch(alice.id_hash, T(11), T(41))).toBe(false);
    });

    it("keeps at most the cap of one person's sessions, evicting the oldest, and leaves others alone", async () => {
      await s.fresh();
      const bob = session({ subject: 'https://idp.example|bob', name: 'bob' });
      await s.store.sessions.create(bob, 2);
      const mine = [session({ created_at: T(1) }), session({ created_at: T(2) }), session({ created_at: T(3) })];
      expect(await s.store.sessions.create(mine[0]!, 2)).toEqual({ evicted: 0 });
      expect(await s.store.sessions.create(mine[1]!, 2)).toEqual({ evicted: 0 });
      expect(await s.store.sessions.create(mine[2]!, 2)).toEqual({ evicted: 1 });
      expect(await s.store.sessions.get(mine[0]!.id_hash)).toBeNull();
      expect(await s.store.sessions.get(mine[1]!.id_hash)).not.toBeNull();
      expect(await s.store.sessions.get(mine[2]!.id_hash)).not.toBeNull();
      expect(await s.store.sessions.get(bob.id_hash)).not.toBeNull();
      // A cap of one: the new session replaces every earlier one.
      const only = session({ created_at: T(4) });
      expect(await s.store.sessions.create(only, 1)).toEqual({ evicted: 2 });
      expect(await s.store.sessions.get(only.id_hash)).not.toBeNull();
    });

    it('sweeps the sessions whose end has passed, a bounded number at a time', async () => {
      await s.fresh();
      const ended = [session({ idle_expires_at: T(5) }), session({ idle_expires_at: T(6) })];
      const live = session({ idle_expires_at: T(50) });
      for (const one of [...ended, live]) await s.store.sessions.create(one, 10);
      expect(await s.store.sessions.deleteExpired(T(10), 1)).toBe(1);
      expect(await s.store.sessions.get(ended[0]!.id_hash)).toBeNull();
      expect(await s.store.sessions.deleteExpired(T(10), 100)).toBe(1);
      expect(await s.store.sessions.deleteExpired(T(10), 100)).toBe(0);
      expect(await s.store.sessions.get(live.id_hash)).not.toBeNull();
    });

    if (s.capabilities.durable) {
      it('keeps sessions across a reopen', async () => {
        await s.fresh();
        if (!s.opened?.reopen) throw new Error(`${s.name} is durable but gives no reopen()`);
        const alice = session();
        await s.store.sessions.create(alice, 10);
        s.store = await s.opened.reopen();
        expect(await s.store.sessions.get(alice.id_hash)).toEqual(alice);
      });
    }
  });
}
