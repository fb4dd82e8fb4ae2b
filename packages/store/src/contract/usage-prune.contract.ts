/** Store contract: pruning the limit usage no window reads any more (what archiving does after its stretch). */
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import type { ContractScope } from './contract-scope.js';
import { newEvents } from './fixtures.js';
import { at, KEY, limited } from './limit-fixtures.js';

export function describeUsagePruneContract(s: ContractScope): void {
  // Pruning is part of archiving: the memory store keeps no ledger to archive.
  if (!s.capabilities.durable) return;
  describe('limit usage pruning', () => {
    it('prunes usage no window from the cutoff on reads, stretch by stretch, and every such window sums as before', async () => {
      await s.fresh();
      const archive = s.store.ledger.archive;
      if (archive === undefined) throw new Error('a durable adapter must implement ledger.archive');
      let state = 11;
      const next = (n: number): number => {
        state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
        return state % n;
      };
      const counted: { key: string; at: number; amount: number }[] = [];
      // Waves of concurrent submissions over two buckets, out of order within each wave: minutes 0–39
      // before the cutoff at minute 40, then 40–79 (one exactly at the cutoff). Amounts ≥ 1, so rows
      // counted at the same instant have distinct totals and exactly one per bucket carries the total
      // at the cutoff.
      const wave = async (from: number, span: number): Promise<void> => {
        const rows = Array.from({ length: 16 }, () => ({
          key: next(2) === 0 ? KEY : 'other',
          at: from + next(span),
          amount: 1 + next(4),
        }));
        await Promise.all(
          rows.map((row) => s.store.createAction(limited(at(row.at), { max: 1e9, amount: row.amount, key: row.key }))),
        );
        counted.push(...rows);
      };
      for (let i = 0; i < 4; i += 1) await wave(0, 40);
      const approve = (id: string, minute: number, amount: number) => {
        counted.push({ key: KEY, at: minute, amount });
        return s.store.transition({
          id,
          expected_version: 1,
          patch: { status: 'approved' },
          events: newEvents('approved'),
          at: at(minute),
        });
      };
      // Waiting for an approval from before the cutoff: never pruned, counted once approved.
      const waiting = await s.store.createAction(limited(at(10), { max: 0, amount: 50 }));
      const approvedEarly = await s.store.createAction(limited(at(12), { max: 0, amount: 9 }));
      await approve(approvedEarly.action.id, 20, 9);
      await s.store.createAction(limited(at(40), { max: 1e9, amount: 2 }));
      counted.push({ key: KEY, at: 40, amount: 2 });
      for (let i = 0; i < 4; i += 1) await wave(40, 40);

      const cutoff = at(40);
      const expected = (key: string, since: number): number =>
        counted.reduce((sum, row) => (row.key === key && row.at > since ? sum + row.amount : sum), 0);
      // Every window from the cutoff on, in both buckets.
      const windowsAsExpected = async (): Promise<void> => {
        for (const key of [KEY, 'other']) {
          for (let since = 40; since <= 80; since += 0.5) {
            expect(await s.store.limitUsage(key, at(since))).toBe(expected(key, since));
          }
        }
      };
      await windowsAsExpected();

      const pass = async (): Promise<{ removed: number; stretches: number }> => {
        let removed = 0;
        let stretches = 0;
        let from: number | null = null;
        do {
          const step = await archive.pruneUsage(cutoff, from, 7);
          removed += step.removed;
          stretches += 1;
          from = step.next;
        } while (from !== null);
        return { removed, stretches };
      };
      const first = await pass();
      // Every row counted before the cutoff but its bucket's last one there.
      const before = counted.filter((row) => row.at < 40);
      const buckets = new Set(before.map((row) => row.key)).size;
      expect(first.removed).toBe(before.length - buckets);
      expect(first.stretches).toBeGreaterThan(1);
      await windowsAsExpected();
      expect((await pass()).removed).toBe(0);

      // The waiting row survived: approved now, it counts from then; later submissions decide on the rest.
      await approve(waiting.action.id, 70, 50);
      await s.store.createAction(limited(at(45), { max: 1e9, amount: 3 })); // counted out of order
      counted.push({ key: KEY, at: 45, amount: 3 });
      const seen: number[] = [];
      await s.store.createAction(limited(at(100.5), { max: 1e9, seen })); // its window starts at 40.5
      expect(seen).toEqual([expected(KEY, 40.5)]);
      counted.push({ key: KEY, at: 100.5, amount: 1 });
      await windowsAsExpected();
      expect(verifyLedger(await s.allEvents())).toEqual({ ok: true });
    });
  });
}
