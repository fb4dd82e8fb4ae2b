import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutboxStore } from '../outbox/outbox-store.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, sampleMessage as message, newEvents, sampleAction } from './fixtures.js';

const T = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second)).toISOString();

function outboxOf(s: ContractScope): OutboxStore {
  const { outbox } = s.store;
  if (outbox === undefined) throw new Error(`${s.name} has no outbox`);
  return outbox;
}

/** `store.outbox`: notifications committed with their event, claimed under a lease, retried, dead-lettered. */
export function describeOutboxContract(s: ContractScope): void {
  describe('outbox', () => {
    if (s.capabilities.outbox === false) {
      it('has no outbox yet (the server refuses channels on this adapter)', async () => {
        await s.fresh();
        expect(s.store.outbox).toBeUndefined();
      });
      return;
    }

    it('queues the notifications of a create and of a transition with their events', async () => {
      await s.fresh();
      const action = sampleAction({ created_at: T(0) });
      const first = message({ action_id: action.id });
      await s.store.createAction({ action, events: newEvents('created', 'decision_made'), notifications: [first] });
      const second = message({ action_id: action.id, event_type: 'approved' });
      await s.store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'approved' },
        events: newEvents('approved'),
        at: T(5),
        notifications: [second],
      });
      const listed = await outboxOf(s).list({ action_id: action.id, limit: 10 });
      expect(listed.map((m) => m.id)).toEqual([second.id, first.id]);
      expect(listed[1]).toMatchObject({
        ...first,
        status: 'queued',
        attempts: 0,
        next_attempt_at: T(0),
        created_at: T(0),
        last_error: null,
        lease_owner: null,
        delivered_at: null,
      });
    });

    it('queues nothing when the write does not commit, and nothing again on an idempotent replay', async () => {
      await s.fresh();
      const action = sampleAction({ created_at: T(0), idempotency_key: 'k1' });
      await s.store.createAction({ action, events: newEvents('created'), notifications: [message()] });
      await s.store.createAction({
        action: { ...action, id: randomUUID() },
        events: newEvents('created'),
        notifications: [message()],
      });
      await expectStoreError(
        s.store.transition({
          id: action.id,
          expected_version: 7,
          patch: { status: 'approved' },
          events: newEvents('approved'),
          at: T(1),
          notifications: [message()],
        }),
        'version_conflict',
      );
      expect(await outboxOf(s).list({ limit: 10 })).toHaveLength(1);
    });

    it('leases a message to one worker until the lease expires, then to another', async () => {
      await s.fresh();
      const outbox = outboxOf(s);
      const m = message();
      await outbox.add([m], T(0));
      const a = await outbox.claim({ owner: 'a', at: T(1), lease_expires_at: T(31), limit: 10 });
      expect(a).toMatchObject([{ id: m.id, attempts: 1, lease_owner: 'a', lease_expires_at: T(31) }]);
      expect(await outbox.claim({ owner: 'b', at: T(2), lease_expires_at: T(32), limit: 10 })).toEqual([]);
      // a dies; after its lease b takes over, and a's late answer changes nothing.
      const b = await outbox.claim({ owner: 'b', at: T(31), lease_expires_at: T(61), limit: 10 });
      expect(b).toMatchObject([{ id: m.id, attempts: 2, lease_owner: 'b' }]);
      expect(await outbox.complete(m.id, 'a', T(40))).toBe(false);
      expect(await outbox.complete(m.id, 'b', T(41))).toBe(true);
      expect(await outbox.get(m.id)).toMatchObject({ status: 'delivered', delivered_at: T(41), lease_owner: null });
      expect(await outbox.claim({ owner: 'c', at: T(90), lease_expires_at: T(120), limit: 10 })).toEqual([]);
    });

    it('stores a message already leased to its writer: no claim takes it before the lease expires', async () => {
      await s.fresh();
      const outbox = outboxOf(s);
      const action = sampleAction({ created_at: T(0) });
      const payload = { type: 'action.decision_made', data: { text: 'é ok' } };
      const m = message({
        action_id: action.id,
        payload,
        payload_json: JSON.stringify(payload),
        lease: { owner: 'a', expires_at: T(30) },
      });
      await s.store.createAction({ action, events: newEvents('created', 'decision_made'), notifications: [m] });
      const stored = await outbox.get(m.id);
      // The first attempt is counted as a claim counts it; the lease is not part of the message.
      expect(stored).toMatchObject({
        status: 'queued',
        attempts: 1,
        lease_owner: 'a',
        lease_expires_at: T(30),
        payload,
      });
      expect(stored).not.toHaveProperty('lease');
      expect(await outbox.claim({ owner: 'b', at: T(1), lease_expires_at: T(31), limit: 10 })).toEqual([]);
      // The writer settles it without claiming; had it died, the message would be claimable at T(30).
      expect(await outbox.complete(m.id, 'a', T(2))).toBe(true);
      expect(await outbox.get(m.id)).toMatchObject({ status: 'delivered', attempts: 1, lease_owner: null });

      const orphan = message({ lease: { owner: 'a', expires_at: T(30) } });
      await outbox.add([orphan], T(3));
      expect(await outbox.claim({ owner: 'b', at: T(29), lease_expires_at: T(59), limit: 10 })).toEqual([]);
      const taken = await outbox.claim({ owner: 'b', at: T(30), lease_expires_at: T(60), limit: 10 });
      expect(taken).toMatchObject([{ id: orphan.id, attempts: 2, lease_owner: 'b' }]);
      expect(taken[0]?.payload_json).toBe(JSON.stringify(orphan.payload));
    });

    it('claims due messages oldest first, at most the limit', async () => {
      await s.fresh();
      const outbox = outboxOf(s);
      const [x, y, z] = [message(), message(), message()];
      await outbox.add([x], T(3));
      await outbox.add([y], T(1));
      await outbox.add([z], T(2));
      expect(await outbox.claim({ owner: 'w', at: T(0), lease_expires_at: T(30), limit: 5 })).toEqual([]);
      const got = await outbox.claim({ owner: 'w', at: T(5), lease_expires_at: T(35), limit: 2 });
      expect(got.map((m) => m.id)).toEqual([y.id, z.id]);
    });

    it('claims no more payload bytes than asked, oldest first, and always at least one message', async () => {
      await s.fresh();
      const outbox = outboxOf(s);
      const big = (n: number) => message({ payload: { type: 'x', data: { text: 'é'.repeat(1000), n } } });
      const [x, y, z] = [big(1), big(2), big(3)];
      await outbox.add([x], T(1));
      await outbox.add([y], T(2));
      await outbox.add([z], T(3));
      // Each payload is a bit over 2,000 bytes (é is two bytes in UTF-8): 4,500 bytes hold two.
      const two = await outbox.claim({ owner: 'w', at: T(5), lease_expires_at: T(35), limit: 10, max_bytes: 4500 });
      expect(two.map((m) => m.id)).toEqual([x.id, y.id]);
      const one = await outbox.claim({ owner: 'w', at: T(6), lease_expires_at: T(36), limit: 10, max_bytes: 10 });
      expect(one.map((m) => m.id)).toEqual([z.id]);
    });

    it('records many outcomes in one settle, each only where the owner still holds the lease', async () => {
      await s.fresh();
      const outbox = outboxOf(s);
      const [d, f, g, r, other] = [message(), message(), message(), message(), message()];
      await outbox.add([d, f, g, r, other], T(0));
      await outbox.claim({ owner: 'w', at: T(1), lease_expires_at: T(31), limit: 4 });
      await outbox.claim({ owner: 'v', at: T(1), lease_expires_at: T(31), limit: 4 });
      const held = (await outbox.list({ limit: 10 })).filter((m) => m.lease_owner === 'w').map((m) => m.id);
      const notHeld = (await outbox.list({ limit: 10 })).find((m) => m.lease_owner === 'v')?.id as string;
      const [a, b, c, e] = held as [string, string, string, string];
      const applied = await outbox.settle('w', [
        { id: a, at: T(2), result: 'delivered' },
        { id: b, at: T(2), result: 'failed', error: 'HTTP 503', retry_at: T(20) },
        { id: notHeld, at: T(2), result: 'delivered' },
        { id: c, at: T(2), result: 'failed', error: 'HTTP 410', retry_at: null },
        { id: e, at: T(2), result: 'released' },
      ]);
      expect(applied).toEqual([true, true, false, true, true]);
      expect(await outbox.get(a)).toMatchObject({ status: 'delivered', delivered_at: T(2), lease_owner: null });
      expect(await outbox.get(b)).toMatchObject({ status: 'queued', attempts: 1, next_attempt_at: T(20) });
      expect(await outbox.get(notHeld)).toMatchObject({ status: 'queued', lease_owner: 'v', delivered_at: null });
      expect(await outbox.get(c)).toMatchObject({ status: 'dead', last_error: 'HTTP 410' });
      // Released unattempted: the attempt is given back and the message is claimable at once.
      expect(await outbox.get(e)).toMatchObject({ status: 'queued', attempts: 0, lease_owner: null });
      expect(
        (await outbox.claim({ owner: 'u', at: T(3), lease_expires_at: T(33), limit: 10 })).map((m) => m.id),
      ).toEqual([e]);
      expect(await outbox.settle('w', [])).toEqual([]);
    });

    it('retries a failed message when due, dead-letters it on a final failure, and re-drives it', async () => {
      await s.fresh();
      const outbox = outboxOf(s);
      const m = message();
      await outbox.add([m], T(0));
      await outbox.claim({ owner: 'w', at: T(0), lease_expires_at: T(30), limit: 1 });
      expect(await outbox.fail(m.id, 'other', { at: T(1), error: 'x', retry_at: T(9) })).toBe(false);
      expect(await outbox.fail(m.id, 'w', { at: T(1), error: 'HTTP 503', retry_at: T(10) })).toBe(true);
      expect(await outbox.get(m.id)).toMatchObject({
        status: 'queued',
        attempts: 1,
        last_error: 'HTTP 503',
        next_attempt_at: T(10),
      });
      expect(await outbox.claim({ owner: 'w', at: T(9), lease_expires_at: T(39), limit: 1 })).toEqual([]);
      expect(await outbox.claim({ owner: 'w', at: T(10), lease_expires_at: T(40), limit: 1 })).toHaveLength(1);
      expect(await outbox.retry(m.id, T(11))).toBeNull();
      await outbox.fail(m.id, 'w', { at: T(11), error: 'x'.repeat(5000), retry_at: null });
      const dead = await outbox.get(m.id);
      expect(dead).toMatchObject({ status: 'dead', attempts: 2 });
      expect(dead?.last_error?.length).toBeLessThanOrEqual(501);
      expect(await outbox.list({ status: 'dead', limit: 10 })).toHaveLength(1);
      expect(await outbox.claim({ owner: 'w', at: T(50), lease_expires_at: T(80), limit: 1 })).toEqual([]);
      expect(await outbox.retry(m.id, T(60))).toMatchObject({ status: 'queued', attempts: 0, next_attempt_at: T(60) });
      expect(await outbox.claim({ owner: 'w', at: T(60), lease_expires_at: T(90), limit: 1 })).toHaveLength(1);
      expect(await outbox.retry('msg_missing', T(61))).toBeNull();
    });
  });
}
