/** Store contract: rate and budget limits checked and recorded atomically with the action's insert. */
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import type { LimitGate } from '../limit-usage.js';
import type { NewEvent } from '../store.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, newEvents, sampleAction } from './fixtures.js';
import { at, KEY, limited } from './limit-fixtures.js';

export function describeLimitsContract(s: ContractScope): void {
  describe('limit usage', () => {
    it('writes what the gate decides and counts allowed actions from their creation', async () => {
      await s.fresh();
      const seen: number[] = [];
      const first = await s.store.createAction(limited(at(0), { max: 2, seen }));
      expect(first.action).toMatchObject({ status: 'allowed', reason: 'within' });
      expect(first.events[0]?.action.reason).toBe('within');
      expect((await s.store.getAction(first.action.id))?.reason).toBe('within');
      await s.store.createAction(limited(at(1), { max: 2, seen }));
      const third = await s.store.createAction(limited(at(2), { max: 2, seen }));
      expect(seen).toEqual([0, 1, 2]);
      expect(third.action).toMatchObject({ status: 'pending_approval', reason: 'reached: 2 used' });
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(2);
      // The window is exclusive at its start: usage counted exactly at `since` is out of it.
      expect(await s.store.limitUsage(KEY, at(0))).toBe(1);
      expect(await s.store.limitUsage('other', at(-1))).toBe(0);
      expect(verifyLedger(await s.allEvents())).toEqual({ ok: true });
    });

    it('counts a waiting action from its approval, and denied ones never', async () => {
      await s.fresh();
      const waiting = await s.store.createAction(limited(at(0), { max: 0, amount: 5 }));
      await s.store.createAction(limited(at(1), { max: 0, amount: 7, over: 'denied' }));
      expect(waiting.action.status).toBe('pending_approval');
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(0);
      await s.store.transition({
        id: waiting.action.id,
        expected_version: 1,
        patch: { status: 'approved' },
        events: newEvents('approved'),
        at: at(30),
      });
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(5);
      expect(await s.store.limitUsage(KEY, at(30))).toBe(0);
      expect(await s.store.limitUsage(KEY, at(29))).toBe(5);
    });

    it('sums amounts and takes a budget exactly to its maximum', async () => {
      await s.fresh();
      await s.store.createAction(limited(at(0), { max: 100, amount: 60.5 }));
      const fits = await s.store.createAction(limited(at(1), { max: 100, amount: 39.5 }));
      const over = await s.store.createAction(limited(at(2), { max: 100, amount: 0.5, over: 'denied' }));
      expect(fits.action.status).toBe('allowed');
      expect(over.action.status).toBe('denied');
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(100);
    });

    it('sums a window of many rows exactly: a row counted exactly `per` ago is out, one just inside is in', async () => {
      await s.fresh();
      const base = Date.parse(at(0));
      const iso = (ms: number): string => new Date(base + ms).toISOString();
      // 600 allowed rows a second apart (amounts 1..7), another bucket interleaved, one more 1 ms after the first.
      const times = [...Array.from({ length: 600 }, (_, i) => i * 1000), 1];
      const amountOf = (i: number): number => (i % 7) + 1;
      for (let chunk = 0; chunk < times.length; chunk += 50) {
        await Promise.all(
          times
            .slice(chunk, chunk + 50)
            .flatMap((ms, j) => [
              s.store.createAction(limited(iso(ms), { max: 1e9, amount: amountOf(chunk + j) })),
              s.store.createAction(limited(iso(ms), { max: 1e9, amount: 100, key: 'other' })),
            ]),
        );
      }
      const expected = (since: number): number =>
        times.reduce((sum, ms, i) => (ms > since ? sum + amountOf(i) : sum), 0);
      for (const since of [-1, 0, 1, 999, 1000, 1001, 299_000, 599_000, 599_999]) {
        expect(await s.store.limitUsage(KEY, iso(since))).toBe(expected(since));
      }
      // A submission one hour after the first row: its window starts exactly at that row.
      const seen: number[] = [];
      await s.store.createAction(limited(iso(3_600_000), { max: 1e9, seen }));
      expect(seen).toEqual([expected(0)]);
      expect(expected(0)).toBe(expected(-1) - amountOf(0));
    });

    it('keeps window sums exact when counting times arrive out of order or at the same instant', async () => {
      await s.fresh();
      const counted: { at: number; amount: number }[] = [];
      for (const [minute, amount] of [
        [5, 2],
        [2, 3],
        [5, 4],
        [3, 1],
        [9, 6],
        [0, 5],
        [5, 7],
      ] as const) {
        await s.store.createAction(limited(at(minute), { max: 1e9, amount }));
        counted.push({ at: minute, amount });
      }
      // Waiting actions approved at instants before, between and equal to counted ones.
      for (const [minute, amount, approvedAt] of [
        [10, 11, 4],
        [11, 13, 5],
        [12, 17, 1],
      ] as const) {
        const waiting = await s.store.createAction(limited(at(minute), { max: 0, amount }));
        await s.store.transition({
          id: waiting.action.id,
          expected_version: 1,
          patch: { status: 'approved' },
          events: newEvents('approved'),
          at: at(approvedAt),
        });
        counted.push({ at: approvedAt, amount });
      }
      for (let since = -1; since <= 10; since += 0.5) {
        const expected = counted.reduce((sum, row) => (row.at > since ? sum + row.amount : sum), 0);
        expect(await s.store.limitUsage(KEY, at(since))).toBe(expected);
      }
    });

    it('keeps window sums exact with many rows counted at each instant, concurrently and out of order', async () => {
      await s.fresh();
      // A fixed pseudo-random sequence: the same rows on every store and every run.
      let state = 7;
      const next = (n: number): number => {
        state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
        return state % n;
      };
      const counted: { at: number; amount: number }[] = [];
      const waiting: { id: string; approvedAt: number; amount: number }[] = [];
      // Waves of concurrent submissions (one write batch each) at five instants, in shuffled order,
      // a third of them sent to approval; amounts include 0, which leaves equal totals at an instant.
      for (let wave = 0; wave < 6; wave += 1) {
        const inputs = Array.from({ length: 20 }, () => {
          const minute = next(5);
          const amount = next(4);
          const approve = next(3) === 0;
          return { minute, amount, approve, input: limited(at(minute), { max: approve ? -1 : 1e9, amount }) };
        });
        const results = await Promise.all(inputs.map((one) => s.store.createAction(one.input)));
        results.forEach((result, i) => {
          const one = inputs[i]!;
          if (one.approve) waiting.push({ id: result.action.id, approvedAt: next(6), amount: one.amount });
          else counted.push({ at: one.minute, amount: one.amount });
        });
      }
      // Approvals counted at instants before, at and after the created rows, half of them in one batch.
      await Promise.all(
        waiting.map((row) =>
          s.store.transition({
            id: row.id,
            expected_version: 1,
            patch: { status: 'approved' },
            events: newEvents('approved'),
            at: at(row.approvedAt),
          }),
        ),
      );
      for (const row of waiting) counted.push({ at: row.approvedAt, amount: row.amount });
      for (let since = -1; since <= 6; since += 0.5) {
        const expected = counted.reduce((sum, row) => (row.at > since ? sum + row.amount : sum), 0);
        expect(await s.store.limitUsage(KEY, at(since))).toBe(expected);
      }
      // A submission at the last instant decides on the whole bucket's usage (its window is an hour).
      const seen: number[] = [];
      await s.store.createAction(limited(at(5), { max: 1e9, seen }));
      expect(seen).toEqual([counted.reduce((sum, row) => sum + row.amount, 0)]);
    });

    it('lets exactly max of many concurrent submissions through', async () => {
      await s.fresh();
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) => s.store.createAction(limited(at(0.001 * i), { max: 7 }))),
      );
      expect(results.filter((r) => r.action.status === 'allowed')).toHaveLength(7);
      expect(results.filter((r) => r.action.status === 'pending_approval')).toHaveLength(18);
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(7);
    });

    it('counts an approval in the same write batch before the next submission decides', async () => {
      await s.fresh();
      const waiting = await s.store.createAction(limited(at(0), { max: 0, amount: 3 }));
      const seen: number[] = [];
      const [, later] = await Promise.all([
        s.store.transition({
          id: waiting.action.id,
          expected_version: 1,
          patch: { status: 'approved' },
          events: newEvents('approved'),
          at: at(1),
        }),
        s.store.createAction(limited(at(2), { max: 10, amount: 1, seen })),
      ]);
      expect(seen).toEqual([3]);
      expect(later.action.status).toBe('allowed');
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(4);
    });

    it('counts an action created and approved in the same write batch once', async () => {
      await s.fresh();
      const input = limited(at(0), { max: 0, amount: 2 });
      const [created] = await Promise.all([
        s.store.createAction(input),
        s.store.transition({
          id: input.action.id,
          expected_version: 1,
          patch: { status: 'approved' },
          events: newEvents('approved'),
          at: at(1),
        }),
      ]);
      expect(created.action.status).toBe('pending_approval');
      expect((await s.store.getAction(input.action.id))?.status).toBe('approved');
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(2);
    });

    it('never asks the gate again for an idempotent repeat, nor counts it twice', async () => {
      await s.fresh();
      const seen: number[] = [];
      const first = limited(at(0), { max: 5, seen }, { submitted_by: 'bot', idempotency_key: 'once' });
      const { action } = await s.store.createAction(first);
      const again = limited(at(1), { max: 5, seen }, { submitted_by: 'bot', idempotency_key: 'once' });
      const repeat = await s.store.createAction(again);
      expect(repeat).toMatchObject({ created: false, action: { id: action.id } });
      expect(seen).toEqual([0]);
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(1);
    });

    it('refuses a gate that decides on another action or a bad amount, writing nothing', async () => {
      await s.fresh();
      const input = limited(at(0), { max: 5 });
      const gate = input.limit as LimitGate;
      const other = {
        ...input,
        limit: { ...gate, decide: (used: number) => ({ ...gate.decide(used), action: sampleAction() }) },
      };
      await expectStoreError(s.store.createAction(other), 'invalid_input');
      const negative = {
        ...input,
        limit: { ...gate, decide: (used: number) => ({ ...gate.decide(used), amount: -1 }) },
      };
      await expectStoreError(s.store.createAction(negative), 'invalid_input');
      await expectStoreError(s.store.createAction({ ...input, limit: { ...gate, key: '' } }), 'invalid_input');
      expect(await s.store.getAction(input.action.id)).toBeNull();
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(0);
      expect(await s.allEvents()).toEqual([]);
    });

    it('refuses a gated create whose events have meta with no JSON form, writing nothing', async () => {
      await s.fresh();
      const input = limited(at(0), { max: 5 });
      const gate = input.limit as LimitGate;
      // The provisional events are only shape-checked (the gate replaces them), but not skipped.
      const provisional = { ...input, events: [{ ...(input.events[0] as NewEvent), meta: [] as never }] };
      await expectStoreError(s.store.createAction(provisional), 'invalid_input');
      // What the gate decides is checked in full inside the transaction.
      const decided = {
        ...input,
        limit: {
          ...gate,
          decide: (used: number) => {
            const out = gate.decide(used);
            const [created, decision] = out.events as [NewEvent, NewEvent];
            return { ...out, events: [created, { ...decision, meta: { used: 1n } as never }] };
          },
        },
      };
      await expectStoreError(s.store.createAction(decided), 'invalid_input');
      expect(await s.store.getAction(input.action.id)).toBeNull();
      expect(await s.store.limitUsage(KEY, at(-1))).toBe(0);
      expect(await s.allEvents()).toEqual([]);
    });
  });
}
