import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { GENESIS_HASH } from '../store.js';
import type { ContractScope } from './contract-scope.js';
import { newEvents, nextTime } from './fixtures.js';

export function describeLedgerContract(s: ContractScope): void {
  describe('hash chain', () => {
    const buildLedger = async () => {
      const { action } = await s.create({ status: 'pending_approval', approval_token: 'tok-1' });
      await s.create();
      await s.store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'approved', approval_token: 'tok-2' },
        events: newEvents('approved'),
        at: nextTime(),
      });
      return s.allEvents();
    };

    it('links every event to the previous one from GENESIS_HASH and verifies', async () => {
      await s.fresh();
      const events = await buildLedger();
      expect(events).toHaveLength(5);
      expect(events[0]!.prev_hash).toBe(GENESIS_HASH);
      for (let i = 1; i < events.length; i++) expect(events[i]!.prev_hash).toBe(events[i - 1]!.hash);
      expect(verifyLedger(events)).toEqual({ ok: true });
    });

    it('detects an edited, deleted or reordered event', async () => {
      await s.fresh();
      const events = await buildLedger();
      const edited = structuredClone(events);
      edited[2]!.meta = { by: 'mallory' };
      expect(verifyLedger(edited)).toMatchObject({ ok: false, seq: events[2]!.seq });

      const snapshotEdited = structuredClone(events);
      snapshotEdited[3]!.action.status = 'denied';
      expect(verifyLedger(snapshotEdited)).toMatchObject({ ok: false, seq: events[3]!.seq });

      const deleted = events.filter((_, i) => i !== 1);
      expect(verifyLedger(deleted)).toMatchObject({ ok: false, seq: events[2]!.seq });

      const swapped = [events[0]!, events[2]!, events[1]!, events[3]!, events[4]!];
      expect(verifyLedger(swapped).ok).toBe(false);
    });

    it('never puts the approval token into a snapshot', async () => {
      await s.fresh();
      const events = await buildLedger();
      for (const event of events) expect(event.action.approval_token).toBeNull();
      expect(JSON.stringify(events)).not.toContain('tok-');
      const pending = (await s.store.listActions({ filter: { status: 'approved' }, limit: 1 })).items[0];
      expect(pending?.approval_token).toBe('tok-2');
    });
  });

  describe('eventsAfter', () => {
    it('streams events after a seq, in order, limited and filtered', async () => {
      await s.fresh();
      const a = await s.create({ agent_id: 'bot-1', tool: 'shell' });
      const b = await s.create({ agent_id: 'bot-2', tool: 'http', status: 'pending_approval' });
      await s.store.transition({
        id: a.action.id,
        expected_version: 1,
        patch: { status: 'executing' },
        events: newEvents('started'),
        at: nextTime(),
      });
      const all = await s.allEvents();
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await s.store.eventsAfter(2, 2)).toEqual(all.slice(2, 4));
      expect(await s.store.eventsAfter(5, 10)).toEqual([]);
      const seqs = async (filter: object, after = 0) =>
        (await s.store.eventsAfter(after, 100, filter)).map((e) => e.seq);
      expect(await seqs({ action_id: a.action.id })).toEqual([1, 2, 5]);
      expect(await seqs({ agent_id: 'bot-2' })).toEqual([3, 4]);
      expect(await seqs({ tool: 'shell' })).toEqual([1, 2, 5]);
      expect(await seqs({ status: 'executing' })).toEqual([5]);
      expect(await seqs({ status: 'pending_approval' })).toEqual([3, 4]);
      expect(await seqs({ agent_id: 'bot-1', status: 'allowed' })).toEqual([1, 2]);
      expect(await seqs({ tool: 'shell' }, 2)).toEqual([5]);
      expect(await seqs({ action_id: b.action.id, tool: 'shell' })).toEqual([]);
    });

    it('ends a page of events once it holds maxBytes, always returning at least one', async () => {
      await s.fresh();
      const big = 'x'.repeat(100_000);
      for (let i = 0; i < 3; i++) await s.create({ params: { blob: big, i } });
      const all = await s.allEvents();
      expect(all).toHaveLength(6);
      const seqs = async (after: number, maxBytes: number) =>
        (await s.store.eventsAfter(after, 100, {}, maxBytes)).map((e) => e.seq);
      // Every event carries a snapshot of over 100,000 characters.
      expect(await seqs(0, 1)).toEqual([1]);
      expect(await seqs(0, 150_000)).toEqual([1, 2]);
      expect(await seqs(2, 250_000)).toEqual([3, 4, 5]);
      expect(await seqs(0, 10_000_000)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await seqs(6, 1)).toEqual([]);
      expect(await s.store.eventsAfter(0, 100, {}, 150_000)).toEqual(all.slice(0, 2));
    });
  });
}
