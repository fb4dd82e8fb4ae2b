import { describe, expect, it } from 'vitest';
import type { ActionFilter } from '../store.js';
import type { ContractScope } from './contract-scope.js';
import { nextTime } from './fixtures.js';

/** `q` over params and context (rules in search-text.ts): the same answers on every adapter. */
export function describeSearchContract(s: ContractScope): void {
  describe('listActions q over params and context', () => {
    const ids = async (filter: ActionFilter) =>
      (await s.store.listActions({ filter, limit: 500 })).items.map((a) => a.id).sort();

    const seed = async () => {
      const make = (params: Record<string, unknown>, context: Record<string, unknown> = {}) =>
        s.create({ params, context, created_at: nextTime() }).then((r) => r.action.id);
      return {
        kubectl: await make({ cmd: 'kubectl delete pod web-1' }, { ticket: 'OPS-42' }),
        ls: await make({ cmd: 'ls -la /srv' }),
        quoted: await make({ cmd: 'echo "hi there"' }),
        windows: await make({ path: 'C:\\Users\\Ana' }),
        multiline: await make({ body: 'line one\nline two' }),
        accented: await make({ name: 'Émile' }),
        amount: await make({ amount: 250, currency: 'EUR' }, { customer: { id: 'cus_9' } }),
      };
    };

    it('finds an action by text in its params or context, ignoring ASCII case', async () => {
      await s.fresh();
      const a = await seed();
      expect(await ids({ q: 'kubectl' })).toEqual([a.kubectl]);
      expect(await ids({ q: 'KubeCTL Delete' })).toEqual([a.kubectl]);
      expect(await ids({ q: 'ops-42' })).toEqual([a.kubectl]);
      expect(await ids({ q: 'cus_9' })).toEqual([a.amount]);
      expect(await ids({ q: 'nothing like this' })).toEqual([]);
    });

    it('finds an action by the start of its id in any case, not by a part from its middle', async () => {
      await s.fresh();
      const a = await s.create({ id: 'cafe0000-1111-4222-8333-444455556666' });
      await s.create({ id: 'beef0000-1111-4222-8333-444455556666' });
      expect(await ids({ q: 'CAFE00' })).toEqual([a.action.id]);
      expect(await ids({ q: 'ca' })).toEqual([a.action.id]);
      expect(await ids({ q: 'cafe0000-1111' })).toEqual([a.action.id]);
      expect(await ids({ q: '4222-8333' })).toEqual([]);
    });

    it('searches params as canonical JSON text: keys, numbers and the JSON punctuation', async () => {
      await s.fresh();
      const a = await seed();
      expect(await ids({ q: '"amount":250' })).toEqual([a.amount]);
      expect(await ids({ q: 'currency' })).toEqual([a.amount]);
      expect(await ids({ q: 'cmd":"ls' })).toEqual([a.ls]);
    });

    it('finds text with quotes, backslashes and line feeds as typed, although JSON escapes them', async () => {
      await s.fresh();
      const a = await seed();
      expect(await ids({ q: 'echo "hi' })).toEqual([a.quoted]);
      expect(await ids({ q: 'C:\\Users\\' })).toEqual([a.windows]);
      expect(await ids({ q: 'one\nline' })).toEqual([a.multiline]);
      // The JSON spelling works too.
      expect(await ids({ q: 'echo \\"hi' })).toEqual([a.quoted]);
    });

    it('folds only ASCII case: other letters must match exactly', async () => {
      await s.fresh();
      const a = await seed();
      expect(await ids({ q: 'Émile' })).toEqual([a.accented]);
      expect(await ids({ q: 'ÉMILE' })).toEqual([a.accented]);
      expect(await ids({ q: 'émile' })).toEqual([]);
    });

    it('answers one- and two-character searches (not indexed) with the same rules', async () => {
      await s.fresh();
      const a = await seed();
      expect(await ids({ q: 'É' })).toEqual([a.accented]);
      expect(await ids({ q: '"h' })).toEqual([a.quoted]);
      expect(await ids({ q: '\\U' })).toEqual([a.windows]);
      expect(await ids({ q: '\n' })).toEqual([a.multiline]);
    });

    it('looks only at the first 4,096 characters of params', async () => {
      await s.fresh();
      // {"text":" is 9 characters: the marker ends at 4,090, the second one starts past 4,096.
      const early = await s.create({ params: { text: `${'x'.repeat(4070)}earlymark${'y'.repeat(2000)}` } });
      const late = await s.create({ params: { text: `${'x'.repeat(4100)}latemark` } });
      expect(await ids({ q: 'earlymark' })).toEqual([early.action.id]);
      expect(await ids({ q: 'latemark' })).toEqual([]);
      expect(await ids({ q: 'xxxxx' })).toEqual([early.action.id, late.action.id].sort());
    });

    it('combines q with the other filters, totals and keyset paging', async () => {
      await s.fresh();
      const a = await seed();
      const pending = await s.create({ params: { cmd: 'kubectl get pods' }, status: 'pending_approval' });
      expect(await ids({ q: 'kubectl', status: 'pending_approval' })).toEqual([pending.action.id]);
      const first = await s.store.listActions({ filter: { q: 'kubectl' }, limit: 1 });
      expect(first.total).toBe(2);
      expect(first.items.map((x) => x.id)).toEqual([pending.action.id]);
      const last = first.items[0]!;
      const next = await s.store.listActions({
        filter: { q: 'kubectl' },
        limit: 5,
        after: { created_at: last.created_at, id: last.id },
      });
      expect(next.items.map((x) => x.id)).toEqual([a.kubectl]);
    });

    it('pages through a search that matches thousands of actions, newest first', async () => {
      await s.fresh();
      const matching = await Promise.all(
        Array.from({ length: 2100 }, (_, i) =>
          s.create({ params: { cmd: `deploy service-${i}` }, status: i % 10 === 0 ? 'pending_approval' : 'allowed' }),
        ),
      );
      await s.create({ params: { cmd: 'something else' } });
      const newest = matching
        .map((r) => r.action)
        .sort((x, y) =>
          x.created_at === y.created_at ? (x.id < y.id ? 1 : -1) : x.created_at < y.created_at ? 1 : -1,
        );
      const page = await s.store.listActions({ filter: { q: 'deploy' }, limit: 20 });
      expect(page.total).toBe(2100);
      expect(page.items.map((x) => x.id)).toEqual(newest.slice(0, 20).map((x) => x.id));
      const pending = await s.store.listActions({ filter: { q: 'deploy', status: 'pending_approval' }, limit: 5 });
      expect(pending.total).toBe(210);
      expect(pending.items.map((x) => x.id)).toEqual(
        newest
          .filter((x) => x.status === 'pending_approval')
          .slice(0, 5)
          .map((x) => x.id),
      );
    });
  });
}
