/** Store contract: creating, transitioning and idempotency: every write commits with its events, exactly once. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { type ActionRecord, StoreError } from '../store.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, newEvents, nextTime, sampleAction } from './fixtures.js';

export function describeWritesContract(s: ContractScope): void {
  describe('migrations', () => {
    it('migrates a new s.store to SCHEMA_VERSION and is idempotent', async () => {
      s.opened = await s.open();
      s.store = s.opened.store;
      const first = await s.store.migrate();
      expect(first.to).toBe(SCHEMA_VERSION);
      expect(await s.store.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      expect((await s.store.info()).schema_version).toBe(SCHEMA_VERSION);
    });
  });

  describe('createAction and getAction', () => {
    it('round-trips every field, including JSON fields and nulls', async () => {
      await s.fresh();
      const full = sampleAction({
        reason: null,
        risk_rule: 'big-amount',
        approval_token: 'secret-token',
        approval_expires_at: nextTime(),
        approval_decided_by: 'alice',
        approval_decided_at: nextTime(),
        approval_reason: 'ok',
        submitted_by: 'agent-key-1',
        idempotency_key: 'k-1',
        started_at: nextTime(),
        finished_at: nextTime(),
        result_error: 'boom',
        params: { amount: 12.5, unicode: 'ünï 😀', deep: { a: [{ b: -0.25 }] } },
      });
      const result = await s.store.createAction({ action: full, events: newEvents('created') });
      const expected: ActionRecord = { ...full, updated_at: full.created_at, version: 1 };
      expect(result.created).toBe(true);
      expect(result.action).toEqual(expected);
      expect(await s.store.getAction(full.id)).toEqual(expected);

      const sparse = sampleAction({ matched_rule: null, params: {}, context: {}, reason: null });
      await s.store.createAction({ action: sparse, events: newEvents('created') });
      expect(await s.store.getAction(sparse.id)).toEqual({ ...sparse, updated_at: sparse.created_at, version: 1 });
    });

    it('returns null for an unknown id', async () => {
      await s.fresh();
      expect(await s.store.getAction(randomUUID())).toBeNull();
    });

    it('records the given events in order with the created snapshot', async () => {
      await s.fresh();
      const { action, events } = await s.create({}, 'created', 'decision_made');
      expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made']);
      for (const event of events) {
        expect(event.action_id).toBe(action.id);
        expect(event.created_at).toBe(action.created_at);
        expect(event.meta).toEqual({ by: 'contract' });
        expect(event.action).toEqual(action);
      }
      expect(await s.store.listEvents(action.id)).toEqual(events);
    });

    it('assigns seq strictly increasing across actions, starting at 1', async () => {
      await s.fresh();
      expect(await s.store.latestSeq()).toBe(0);
      const a = await s.create();
      const b = await s.create();
      const seqs = [...a.events, ...b.events].map((e) => e.seq);
      expect(seqs[0]).toBe(1);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
      expect(await s.store.latestSeq()).toBe(seqs.at(-1));
    });

    it('rejects a change without events as invalid_input', async () => {
      await s.fresh();
      await expectStoreError(s.store.createAction({ action: sampleAction(), events: [] }), 'invalid_input');
      expect(await s.store.latestSeq()).toBe(0);
    });

    it('rejects params that are not JSON as invalid_input', async () => {
      await s.fresh();
      const action = sampleAction({ params: { n: Number.NaN } });
      await expectStoreError(s.store.createAction({ action, events: newEvents('created') }), 'invalid_input');
      expect(await s.store.getAction(action.id)).toBeNull();
    });

    it('hands out copies: mutating a returned record changes nothing stored', async () => {
      await s.fresh();
      const input = sampleAction();
      const { action, events } = await s.store.createAction({ action: input, events: newEvents('created') });
      (input.params as { cmd: string }).cmd = 'rm -rf /';
      (action.params as { cmd: string }).cmd = 'rm -rf /';
      events[0]!.meta.by = 'mallory';
      const read = await s.store.getAction(action.id);
      expect(read?.params.cmd).toBe('ls -la');
      read!.status = 'denied';
      expect((await s.store.getAction(action.id))?.status).toBe('allowed');
      expect((await s.store.listEvents(action.id))[0]?.meta.by).toBe('contract');
    });
  });

  describe('idempotency', () => {
    it('returns the earlier action and writes nothing for a repeated (submitted_by, key)', async () => {
      await s.fresh();
      const first = await s.create({ submitted_by: 'key-a', idempotency_key: 'op-1' });
      const seq = await s.store.latestSeq();
      const again = await s.create({ submitted_by: 'key-a', idempotency_key: 'op-1', tool: 'other' });
      expect(again.created).toBe(false);
      expect(again.action).toEqual(first.action);
      expect(again.events).toEqual(first.events);
      expect(await s.store.latestSeq()).toBe(seq);
      expect((await s.store.listActions({ filter: {}, limit: 10 })).total).toBe(1);
    });

    it('scopes keys by submitter, with a null submitter as one scope of its own', async () => {
      await s.fresh();
      expect((await s.create({ submitted_by: 'key-a', idempotency_key: 'op' })).created).toBe(true);
      expect((await s.create({ submitted_by: 'key-b', idempotency_key: 'op' })).created).toBe(true);
      expect((await s.create({ submitted_by: null, idempotency_key: 'op' })).created).toBe(true);
      expect((await s.create({ submitted_by: '', idempotency_key: 'op' })).created).toBe(true);
      expect((await s.create({ submitted_by: null, idempotency_key: 'op' })).created).toBe(false);
      expect((await s.create({ submitted_by: null, idempotency_key: null })).created).toBe(true);
      expect((await s.create({ submitted_by: null, idempotency_key: null })).created).toBe(true);
    });

    it('creates exactly one action for concurrent submissions with the same key', async () => {
      await s.fresh();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => s.create({ submitted_by: 'key-a', idempotency_key: 'same' })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.action.id)).size).toBe(1);
      expect((await s.allEvents()).length).toBe(2);
    });
  });

  describe('transition', () => {
    it('applies the patch, bumps version, sets updated_at and appends events at `at`', async () => {
      await s.fresh();
      const { action } = await s.create({ status: 'pending_approval', approval_token: 'tok' });
      const at = nextTime();
      const result = await s.store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'approved', approval_decided_by: 'alice', approval_decided_at: at, approval_token: null },
        events: newEvents('approved'),
        at,
      });
      const expected: ActionRecord = {
        ...action,
        status: 'approved',
        approval_decided_by: 'alice',
        approval_decided_at: at,
        approval_token: null,
        version: 2,
        updated_at: at,
      };
      expect(result.action).toEqual(expected);
      expect(await s.store.getAction(action.id)).toEqual(expected);
      expect(result.events).toHaveLength(1);
      expect(result.events[0]).toMatchObject({ event_type: 'approved', created_at: at, action: expected });
      expect((await s.store.listEvents(action.id)).map((e) => e.event_type)).toEqual([
        'created',
        'decision_made',
        'approved',
      ]);
    });

    it('moves approval_expires_at with the patch, to a new deadline or to null', async () => {
      await s.fresh();
      const { action } = await s.create({ status: 'pending_approval', approval_expires_at: nextTime() });
      const deadline = nextTime();
      const at = nextTime();
      const approved = await s.store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'approved', approval_expires_at: deadline },
        events: newEvents('approved'),
        at,
      });
      expect(approved.action.approval_expires_at).toBe(deadline);
      expect((await s.store.getAction(action.id))?.approval_expires_at).toBe(deadline);
      const cleared = await s.store.transition({
        id: action.id,
        expected_version: 2,
        patch: { status: 'executing', approval_expires_at: null },
        events: newEvents('started'),
        at: nextTime(),
      });
      expect(cleared.action.approval_expires_at).toBeNull();
      expect((await s.store.getAction(action.id))?.approval_expires_at).toBeNull();
    });

    it('records several events with one change', async () => {
      await s.fresh();
      const { action } = await s.create();
      const at = nextTime();
      const { events } = await s.store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'succeeded', started_at: at, finished_at: at },
        events: newEvents('started', 'succeeded'),
        at,
      });
      expect(events.map((e) => e.event_type)).toEqual(['started', 'succeeded']);
      expect(events[1]!.seq).toBe(events[0]!.seq + 1);
      expect(events[1]!.prev_hash).toBe(events[0]!.hash);
    });

    it('fails with not_found for an unknown id', async () => {
      await s.fresh();
      await expectStoreError(
        s.store.transition({
          id: randomUUID(),
          expected_version: 1,
          patch: {},
          events: newEvents('x'),
          at: nextTime(),
        }),
        'not_found',
      );
      expect(await s.store.latestSeq()).toBe(0);
    });

    it('fails with version_conflict on a stale version and writes nothing', async () => {
      await s.fresh();
      const { action } = await s.create();
      const seq = await s.store.latestSeq();
      await expectStoreError(
        s.store.transition({
          id: action.id,
          expected_version: 7,
          patch: { status: 'failed' },
          events: newEvents('failed'),
          at: nextTime(),
        }),
        'version_conflict',
      );
      expect(await s.store.getAction(action.id)).toEqual(action);
      expect(await s.store.latestSeq()).toBe(seq);
    });

    it('lets exactly one of 100 concurrent transitions on the same version win', async () => {
      await s.fresh();
      const { action } = await s.create({ status: 'pending_approval' });
      const seq = await s.store.latestSeq();
      const attempts = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) =>
          s.store.transition({
            id: action.id,
            expected_version: 1,
            patch: { status: 'approved', approval_decided_by: `approver-${i}` },
            events: newEvents('approved'),
            at: nextTime(),
          }),
        ),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(99);
      for (const loss of lost) {
        expect(loss.reason).toBeInstanceOf(StoreError);
        expect((loss.reason as StoreError).code).toBe('version_conflict');
      }
      expect(await s.store.latestSeq()).toBe(seq + 1);
      expect((await s.store.getAction(action.id))?.version).toBe(2);
      expect(await s.store.listEvents(action.id)).toHaveLength(3);
    });

    it('keeps other writes of the same moment when one transition fails', async () => {
      await s.fresh();
      const { action } = await s.create();
      const [bad, good, created] = await Promise.allSettled([
        s.store.transition({ id: action.id, expected_version: 5, patch: {}, events: newEvents('x'), at: nextTime() }),
        s.store.transition({
          id: action.id,
          expected_version: 1,
          patch: { status: 'executing' },
          events: newEvents('started'),
          at: nextTime(),
        }),
        s.create(),
      ]);
      expect(bad.status).toBe('rejected');
      expect(good.status).toBe('fulfilled');
      expect(created.status).toBe('fulfilled');
      expect(verifyLedger(await s.allEvents())).toEqual({ ok: true });
    });
  });
}
