import { describe, expect, it } from 'vitest';
import type { ActionRecord } from '../store.js';
import type { ContractScope } from './contract-scope.js';
import { newEvents, nextTime } from './fixtures.js';

export function describeReadsContract(s: ContractScope): void {
  describe('listActions', () => {
    const seed = async () => {
      const t0 = nextTime();
      const rows = [
        await s.create({
          id: 'aaaa0000-0000-4000-8000-000000000001',
          created_at: t0,
          agent_id: 'bot-1',
          tool: 'shell',
        }),
        await s.create({ id: 'aaaa0000-0000-4000-8000-000000000002', created_at: t0, agent_id: 'bot-2', tool: 'http' }),
        await s.create({
          id: 'bbbb0000-0000-4000-8000-000000000003',
          agent_id: 'bot-1',
          tool: 'stripe_refund',
          operation: 'Refund',
          status: 'pending_approval',
          risk_level: 'high',
          submitted_by: 'key-a',
        }),
        await s.create({ agent_id: '100%_sure', tool: 'http', operation: 'get' }),
        await s.create({ agent_id: '100x-sure', tool: 'http', operation: 'get' }),
      ];
      return rows.map((r) => r.action);
    };

    it('ends a page once it holds maxBytes of params and context, saying it was cut short', async () => {
      await s.fresh();
      const big = 'x'.repeat(100_000);
      for (let i = 0; i < 3; i++) await s.create({ params: { blob: big, i } });
      const page = await s.store.listActions({ filter: {}, limit: 10, maxBytes: 150_000 });
      expect(page.items.map((a) => a.params.i)).toEqual([2, 1]);
      expect(page).toMatchObject({ total: 3, truncated: true });
      const rest = await s.store.listActions({ filter: {}, limit: 10, offset: 2, maxBytes: 150_000 });
      expect(rest.items.map((a) => a.params.i)).toEqual([0]);
      expect(rest.truncated ?? false).toBe(false);
      expect((await s.store.listActions({ filter: {}, limit: 10, maxBytes: 1 })).items).toHaveLength(1);
      const all = await s.store.listActions({ filter: {}, limit: 10, maxBytes: 10_000_000 });
      expect(all.items).toHaveLength(3);
      expect(all.truncated ?? false).toBe(false);
    });

    it('orders newest first, by id descending for equal timestamps, with total', async () => {
      await s.fresh();
      const rows = await seed();
      const { items, total } = await s.store.listActions({ filter: {}, limit: 100 });
      expect(total).toBe(5);
      expect(items.map((a) => a.id)).toEqual([rows[4]!.id, rows[3]!.id, rows[2]!.id, rows[1]!.id, rows[0]!.id]);
    });

    it('filters by status, tool, agent_id, risk_level and submitted_by', async () => {
      await s.fresh();
      const rows = await seed();
      const ids = async (filter: object) =>
        (await s.store.listActions({ filter, limit: 100 })).items.map((a) => a.id).sort();
      expect(await ids({ status: 'pending_approval' })).toEqual([rows[2]!.id]);
      expect(await ids({ tool: 'http' })).toEqual([rows[1]!.id, rows[3]!.id, rows[4]!.id].sort());
      expect(await ids({ agent_id: 'bot-1' })).toEqual([rows[0]!.id, rows[2]!.id].sort());
      expect(await ids({ risk_level: 'high' })).toEqual([rows[2]!.id]);
      expect(await ids({ submitted_by: 'key-a' })).toEqual([rows[2]!.id]);
      expect(await ids({ agent_id: 'bot-1', tool: 'http' })).toEqual([]);
    });

    it('filters by time range: since inclusive, until exclusive', async () => {
      await s.fresh();
      const rows = await seed();
      const { items } = await s.store.listActions({
        filter: { since: rows[2]!.created_at, until: rows[4]!.created_at },
        limit: 100,
      });
      expect(items.map((a) => a.id)).toEqual([rows[3]!.id, rows[2]!.id]);
    });

    it('matches q case-insensitively in id, agent_id, tool and operation, with LIKE wildcards literal', async () => {
      await s.fresh();
      const rows = await seed();
      const ids = async (q: string) =>
        (await s.store.listActions({ filter: { q }, limit: 100 })).items.map((a) => a.id).sort();
      expect(await ids('STRIPE')).toEqual([rows[2]!.id]);
      expect(await ids('refund')).toEqual([rows[2]!.id]);
      expect(await ids('BBBB0000')).toEqual([rows[2]!.id]);
      expect(await ids('bot-2')).toEqual([rows[1]!.id]);
      expect(await ids('%_')).toEqual([rows[3]!.id]);
      expect(await ids('0%')).toEqual([rows[3]!.id]);
      expect(await ids('0_s')).toEqual([]);
      expect(await ids('%')).toEqual([rows[3]!.id]);
      expect(await ids('\\')).toEqual([]);
    });

    it('pages with offset and with a keyset cursor, total ignoring paging', async () => {
      await s.fresh();
      await seed();
      const all = (await s.store.listActions({ filter: {}, limit: 100 })).items;
      const page2 = await s.store.listActions({ filter: {}, limit: 2, offset: 2 });
      expect(page2.total).toBe(5);
      expect(page2.items).toEqual(all.slice(2, 4));

      const walked: ActionRecord[] = [];
      let after: { created_at: string; id: string } | undefined;
      for (;;) {
        const page = await s.store.listActions({ filter: {}, limit: 2, ...(after ? { after } : {}) });
        expect(page.total).toBe(5);
        walked.push(...page.items);
        const last = page.items.at(-1);
        if (page.items.length < 2 || !last) break;
        after = { created_at: last.created_at, id: last.id };
      }
      expect(walked).toEqual(all);

      const keysetWins = await s.store.listActions({
        filter: {},
        limit: 10,
        offset: 4,
        after: { created_at: all[0]!.created_at, id: all[0]!.id },
      });
      expect(keysetWins.items).toEqual(all.slice(1));
    });

    it('combines keyset paging with a filter', async () => {
      await s.fresh();
      const rows = await seed();
      const page = await s.store.listActions({
        filter: { tool: 'http' },
        limit: 10,
        after: { created_at: rows[4]!.created_at, id: rows[4]!.id },
      });
      expect(page.items.map((a) => a.id)).toEqual([rows[3]!.id, rows[1]!.id]);
      expect(page.total).toBe(3);
    });
  });

  describe('findByIdPrefix', () => {
    it('finds actions whose id starts with the prefix, up to the limit, in id order', async () => {
      await s.fresh();
      const ids = [
        'abc00000-0000-4000-8000-000000000001',
        'abc00000-0000-4000-8000-000000000002',
        'abd00000-0000-4000-8000-000000000003',
        'ab000000-0000-4000-8000-000000000004',
      ];
      for (const id of ids) await s.create({ id });
      expect((await s.store.findByIdPrefix('abc', 10)).map((a) => a.id)).toEqual(ids.slice(0, 2));
      expect((await s.store.findByIdPrefix('abc', 1)).map((a) => a.id)).toEqual(ids.slice(0, 1));
      expect((await s.store.findByIdPrefix('ab', 10)).map((a) => a.id)).toEqual([ids[3], ids[0], ids[1], ids[2]]);
      expect(await s.store.findByIdPrefix('abe', 10)).toEqual([]);
      expect(await s.store.findByIdPrefix('abc%', 10)).toEqual([]);
      expect(await s.store.findByIdPrefix(ids[2]!, 10)).toHaveLength(1);
    });
  });

  describe('expiry and counts', () => {
    it('lists pending approvals expired at a time, oldest first, limited', async () => {
      await s.fresh();
      const t1 = nextTime();
      const t2 = nextTime();
      const t3 = nextTime();
      const late = await s.create({ status: 'pending_approval', approval_expires_at: t2 });
      const early = await s.create({ status: 'pending_approval', approval_expires_at: t1 });
      await s.create({ status: 'pending_approval', approval_expires_at: t3 });
      await s.create({ status: 'pending_approval', approval_expires_at: null });
      await s.create({ status: 'approved', approval_expires_at: t1 });
      expect((await s.store.listExpiredPending(t2, 10)).map((a) => a.id)).toEqual([early.action.id, late.action.id]);
      expect((await s.store.listExpiredPending(t2, 1)).map((a) => a.id)).toEqual([early.action.id]);
      expect(await s.store.listExpiredPending(t1.replace('2030', '2029'), 10)).toEqual([]);
    });

    it('lists approvals that lapsed unstarted at a time, oldest first, limited, ignoring other statuses', async () => {
      await s.fresh();
      const t1 = nextTime();
      const t2 = nextTime();
      const t3 = nextTime();
      const late = await s.create({ status: 'approved', approval_expires_at: t2 });
      const early = await s.create({ status: 'approved', approval_expires_at: t1 });
      await s.create({ status: 'approved', approval_expires_at: t3 });
      await s.create({ status: 'approved', approval_expires_at: null });
      await s.create({ status: 'pending_approval', approval_expires_at: t1 });
      await s.create({ status: 'executing', approval_expires_at: t1 });
      expect((await s.store.listExpiredApproved(t2, 10)).map((a) => a.id)).toEqual([early.action.id, late.action.id]);
      expect((await s.store.listExpiredApproved(t2, 1)).map((a) => a.id)).toEqual([early.action.id]);
      expect(await s.store.listExpiredApproved(t1.replace('2030', '2029'), 10)).toEqual([]);
    });

    it('counts actions by status', async () => {
      await s.fresh();
      expect(await s.store.countByStatus()).toEqual({});
      await s.create({ status: 'allowed' });
      await s.create({ status: 'allowed' });
      const { action } = await s.create({ status: 'pending_approval' });
      await s.store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'denied' },
        events: newEvents('denied'),
        at: nextTime(),
      });
      expect(await s.store.countByStatus()).toEqual({ allowed: 2, denied: 1 });
    });
  });
}
