import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, newEvents, nextTime } from './fixtures.js';

export function describeLifecycleContract(s: ContractScope): void {
  describe('lifecycle', () => {
    it('answers ping and info while open', async () => {
      await s.fresh();
      await s.store.ping();
      const info = await s.store.info();
      expect(info.schema_version).toBe(SCHEMA_VERSION);
      expect(typeof info.location).toBe('string');
    });

    it('commits the readiness probe write while open, repeatedly, without adding actions or events', async () => {
      await s.fresh();
      await s.store.probeWrite('2026-01-01T00:00:00.000Z');
      await s.store.probeWrite('2026-01-01T00:00:01.000Z');
      expect(await s.store.latestSeq()).toBe(0);
      expect((await s.store.listActions({ filter: {}, limit: 1 })).total).toBe(0);
      await s.store.close();
      await expectStoreError(s.store.probeWrite('2026-01-01T00:00:02.000Z'), 'unavailable');
    });

    it('rejects every operation with unavailable after close', async () => {
      await s.fresh();
      await s.create();
      await s.store.close();
      await expectStoreError(s.store.ping(), 'unavailable');
      await expectStoreError(s.store.getAction('x'), 'unavailable');
      await expectStoreError(s.create(), 'unavailable');
      await expectStoreError(s.store.eventsAfter(0, 10), 'unavailable');
    });

    it('completes writes issued just before close', async () => {
      await s.fresh();
      const pending = Array.from({ length: 10 }, () => s.create());
      await s.store.close();
      const results = await Promise.all(pending);
      expect(results.every((r) => r.created)).toBe(true);
    });

    // Registered only for durable adapters: a memory s.store has nothing to reopen.
    if (s.capabilities.durable) {
      it('keeps actions and the ledger across a reopen', async () => {
        await s.fresh();
        if (!s.opened?.reopen) throw new Error(`${s.name} is declared durable but gives no reopen()`);
        const { action } = await s.create({ status: 'pending_approval', approval_token: 'tok' });
        await s.store.transition({
          id: action.id,
          expected_version: 1,
          patch: { status: 'approved' },
          events: newEvents('approved'),
          at: nextTime(),
        });
        const before = { action: await s.store.getAction(action.id), events: await s.allEvents() };
        s.store = await s.opened.reopen();
        expect(await s.store.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
        expect(await s.store.getAction(action.id)).toEqual(before.action);
        expect(await s.allEvents()).toEqual(before.events);
        const next = await s.create();
        expect(next.events[0]!.prev_hash).toBe(before.events.at(-1)!.hash);
        expect(verifyLedger(await s.allEvents())).toEqual({ ok: true });
      });
    }
  });

  describe('model', () => {
    it('agrees with a simple model over random transition sequences', async () => {
      await s.fresh();
      const statuses = ['allowed', 'pending_approval', 'approved', 'executing', 'succeeded', 'failed'];
      const step = fc.record({
        target: fc.nat(2),
        versionSkew: fc.constantFrom(0, 0, 0, 1, -1),
        status: fc.constantFrom(...statuses),
        concurrent: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
          const created = await Promise.all([s.create(), s.create(), s.create()]);
          const model = created.map((c) => ({ ...c.action }));
          let events = await s.store.latestSeq();
          for (const step of steps) {
            const current = model[step.target]!;
            const at = nextTime();
            const attempt = () =>
              s.store.transition({
                id: current.id,
                expected_version: current.version + step.versionSkew,
                patch: { status: step.status },
                events: newEvents(step.status),
                at,
              });
            const outcomes = await Promise.allSettled(step.concurrent ? [attempt(), attempt()] : [attempt()]);
            const wins = outcomes.filter((o) => o.status === 'fulfilled');
            if (step.versionSkew === 0) {
              expect(wins).toHaveLength(1);
              Object.assign(current, { status: step.status, version: current.version + 1, updated_at: at });
              events += 1;
            } else {
              expect(wins).toHaveLength(0);
            }
          }
          for (const expected of model) expect(await s.store.getAction(expected.id)).toEqual(expected);
          expect(await s.store.latestSeq()).toBe(events);
        }),
        { numRuns: 25 },
      );
      expect(verifyLedger(await s.allEvents())).toEqual({ ok: true });
    });
  });
}
