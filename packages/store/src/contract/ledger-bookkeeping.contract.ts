import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../store.js';
import type { ContractScope } from './contract-scope.js';
import { newEvents, nextTime } from './fixtures.js';

/** `store.ledger`: the high-water mark, checkpoints and the paged reads verification uses. */
export function describeLedgerBookkeepingContract(s: ContractScope): void {
  describe('ledger bookkeeping', () => {
    it('moves the high-water mark with every append and reports both ends of the ledger', async () => {
      await s.fresh();
      expect(await s.store.ledger.state()).toEqual({
        high_water: { seq: 0, hash: GENESIS_HASH },
        newest: null,
        oldest_seq: null,
      });
      const { action } = await s.create({ status: 'pending_approval', approval_token: 'tok' });
      await s.store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'approved', approval_token: null },
        events: newEvents('approved'),
        at: nextTime(),
      });
      const last = (await s.allEvents()).at(-1)!;
      expect(await s.store.ledger.state()).toEqual({
        high_water: { seq: 3, hash: last.hash },
        newest: { seq: 3, hash: last.hash },
        oldest_seq: 1,
      });
      expect(await s.store.ledger.count()).toEqual({ events: 3, actions: 1 });
    });

    it('pages actions in id order with their seq lists, and finds seq lists by id', async () => {
      await s.fresh();
      const created = [await s.create(), await s.create(), await s.create({}, 'created')];
      const ids = created.map((c) => c.action.id).sort();
      const first = await s.store.ledger.actionsAfter('', 2);
      const rest = await s.store.ledger.actionsAfter(first.at(-1)!.id, 10);
      expect([...first, ...rest].map((a) => a.id)).toEqual(ids);
      for (const audited of [...first, ...rest]) {
        const original = created.find((c) => c.action.id === audited.id)!;
        expect(audited.action).toEqual(original.action);
        expect(audited.event_seqs).toEqual(original.events.map((e) => e.seq));
      }
      const lists = await s.store.ledger.seqLists([ids[2]!, 'no-such-id', ids[0]!]);
      expect(lists).toEqual(
        [ids[0]!, ids[2]!].map((id) => ({
          id,
          event_seqs: created.find((c) => c.action.id === id)!.events.map((e) => e.seq),
        })),
      );
    });

    it('reads events by position, with and without their content', async () => {
      await s.fresh();
      await s.create();
      await s.create();
      const all = await s.allEvents();
      const page = await s.store.ledger.events(1, 2);
      expect(page.map((e) => e.seq)).toEqual([2, 3]);
      expect(page[0]).toMatchObject({ hash: all[1]!.hash, prev_hash: all[1]!.prev_hash, event: all[1] });
      const at = await s.store.ledger.eventsAt([4, 99, 1]);
      expect(at.map((e) => e.event)).toEqual([all[0], all[3]]);
      expect(await s.store.ledger.eventKeys([3, 2])).toEqual(
        [all[1]!, all[2]!].map(({ seq, action_id, event_type, hash }) => ({ seq, action_id, event_type, hash })),
      );
    });

    it('keeps checkpoints in seq order and finds the latest', async () => {
      await s.fresh();
      expect(await s.store.ledger.latestCheckpoint()).toBeNull();
      const add = (seq: number) =>
        s.store.ledger.addCheckpoint({
          seq,
          hash: String(seq).repeat(64).slice(0, 64),
          at: nextTime(),
          key_id: null,
          signature: null,
        });
      const five = await add(5);
      const two = await add(2);
      const fiveAgain = await add(5);
      expect(two).toMatchObject({ seq: 2, key_id: null, signature: null });
      const all = await s.store.ledger.checkpoints(null, 10);
      expect(all).toEqual([two, five, fiveAgain]);
      expect(await s.store.ledger.checkpoints({ seq: five.seq, id: five.id }, 10)).toEqual([fiveAgain]);
      expect(await s.store.ledger.latestCheckpoint()).toEqual(fiveAgain);
    });

    if (s.capabilities.durable) {
      it('never reuses a seq after the newest events were deleted and the store reopened', async () => {
        await s.fresh();
        await s.create();
        const second = await s.create();
        const head = (await s.allEvents()).at(-1)!;
        if (!s.opened?.raw || !s.opened.reopen) throw new Error(`${s.name} is durable but gives no raw() or reopen()`);
        await s.opened.raw(`DELETE FROM action_events WHERE seq IN (${second.events.map((e) => e.seq).join(', ')})`);
        s.store = await s.opened.reopen();
        expect(await s.store.ledger.state()).toMatchObject({
          high_water: { seq: 4, hash: head.hash },
          newest: { seq: 2 },
        });
        const third = await s.create();
        expect(third.events.map((e) => e.seq)).toEqual([5, 6]);
        expect(third.events[0]!.prev_hash).toBe(head.hash);
        expect((await s.store.listEvents(third.action.id)).map((e) => e.seq)).toEqual([5, 6]);
      });
    }
  });
}
