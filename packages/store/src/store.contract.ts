/**
 * The behaviour every Store adapter must have. Each adapter's test file calls
 * `describeStoreContract` with a factory for a fresh, empty store; nothing here knows which
 * database is underneath.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLedger } from './hash-chain.js';
import { SCHEMA_VERSION } from './schema-version.js';
import {
  type ActionRecord,
  type EventRecord,
  GENESIS_HASH,
  type NewAction,
  type NewEvent,
  type Store,
  StoreError,
  type StoreErrorCode,
} from './store.js';

export interface OpenedStore {
  store: Store;
  /** Closes `store` and opens the same data again; omitted by adapters without persistence. */
  reopen?: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

let clock = Date.parse('2030-01-01T00:00:00.000Z');
/** Strictly increasing ISO timestamps, so ordering tests don't depend on the wall clock. */
export function nextTime(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export function sampleAction(overrides: Partial<NewAction> = {}): NewAction {
  return {
    id: randomUUID(),
    agent_id: 'agent-1',
    tool: 'shell',
    operation: 'run',
    params: { cmd: 'ls -la', nested: { list: [1, 'two', null, true], empty: {} } },
    context: { session: 's-1' },
    status: 'allowed',
    decision: 'allow',
    reason: 'safe read',
    reason_code: 'rule_matched',
    risk_level: 'low',
    risk_rule: null,
    matched_rule: { index: 0, description: 'safe reads' },
    policy_version: 'v1',
    policy_hash: 'a'.repeat(64),
    request_hash: 'b'.repeat(64),
    approval_token: null,
    approval_expires_at: null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: null,
    idempotency_key: null,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: nextTime(),
    ...overrides,
  };
}

export function newEvents(...types: string[]): NewEvent[] {
  return types.map((event_type) => ({ id: randomUUID(), event_type, meta: { by: 'contract' } }));
}

export async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

/** What an adapter can show beyond the common contract. */
export interface StoreCapabilities {
  /** The data outlives the store object (a file or a server), so `reopen` is given. */
  durable: boolean;
}

export function describeStoreContract(
  name: string,
  open: () => Promise<OpenedStore>,
  capabilities: StoreCapabilities = { durable: true },
): void {
  describe(`${name} store contract`, () => {
    let opened: OpenedStore | undefined;
    let store: Store;

    const fresh = async (): Promise<Store> => {
      opened = await open();
      store = opened.store;
      await store.migrate();
      return store;
    };

    afterEach(async () => {
      await opened?.cleanup();
      opened = undefined;
    });

    const create = async (overrides: Partial<NewAction> = {}, ...types: string[]) =>
      store.createAction({
        action: sampleAction(overrides),
        events: newEvents(...(types.length > 0 ? types : ['created', 'decision_made'])),
      });

    const allEvents = async (): Promise<EventRecord[]> => store.eventsAfter(0, 1_000_000);

    describe('migrations', () => {
      it('migrates a new store to SCHEMA_VERSION and is idempotent', async () => {
        opened = await open();
        store = opened.store;
        const first = await store.migrate();
        expect(first.to).toBe(SCHEMA_VERSION);
        expect(await store.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
        expect((await store.info()).schema_version).toBe(SCHEMA_VERSION);
      });
    });

    describe('createAction and getAction', () => {
      it('round-trips every field, including JSON fields and nulls', async () => {
        await fresh();
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
        const result = await store.createAction({ action: full, events: newEvents('created') });
        const expected: ActionRecord = { ...full, updated_at: full.created_at, version: 1 };
        expect(result.created).toBe(true);
        expect(result.action).toEqual(expected);
        expect(await store.getAction(full.id)).toEqual(expected);

        const sparse = sampleAction({ matched_rule: null, params: {}, context: {}, reason: null });
        await store.createAction({ action: sparse, events: newEvents('created') });
        expect(await store.getAction(sparse.id)).toEqual({ ...sparse, updated_at: sparse.created_at, version: 1 });
      });

      it('returns null for an unknown id', async () => {
        await fresh();
        expect(await store.getAction(randomUUID())).toBeNull();
      });

      it('records the given events in order with the created snapshot', async () => {
        await fresh();
        const { action, events } = await create({}, 'created', 'decision_made');
        expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made']);
        for (const event of events) {
          expect(event.action_id).toBe(action.id);
          expect(event.created_at).toBe(action.created_at);
          expect(event.meta).toEqual({ by: 'contract' });
          expect(event.action).toEqual(action);
        }
        expect(await store.listEvents(action.id)).toEqual(events);
      });

      it('assigns seq strictly increasing across actions, starting at 1', async () => {
        await fresh();
        expect(await store.latestSeq()).toBe(0);
        const a = await create();
        const b = await create();
        const seqs = [...a.events, ...b.events].map((e) => e.seq);
        expect(seqs[0]).toBe(1);
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
        expect(await store.latestSeq()).toBe(seqs.at(-1));
      });

      it('rejects a change without events as invalid_input', async () => {
        await fresh();
        await expectStoreError(store.createAction({ action: sampleAction(), events: [] }), 'invalid_input');
        expect(await store.latestSeq()).toBe(0);
      });

      it('rejects params that are not JSON as invalid_input', async () => {
        await fresh();
        const action = sampleAction({ params: { n: Number.NaN } });
        await expectStoreError(store.createAction({ action, events: newEvents('created') }), 'invalid_input');
        expect(await store.getAction(action.id)).toBeNull();
      });

      it('hands out copies: mutating a returned record changes nothing stored', async () => {
        await fresh();
        const input = sampleAction();
        const { action, events } = await store.createAction({ action: input, events: newEvents('created') });
        (input.params as { cmd: string }).cmd = 'rm -rf /';
        (action.params as { cmd: string }).cmd = 'rm -rf /';
        events[0]!.meta.by = 'mallory';
        const read = await store.getAction(action.id);
        expect(read?.params.cmd).toBe('ls -la');
        read!.status = 'denied';
        expect((await store.getAction(action.id))?.status).toBe('allowed');
        expect((await store.listEvents(action.id))[0]?.meta.by).toBe('contract');
      });
    });

    describe('idempotency', () => {
      it('returns the earlier action and writes nothing for a repeated (submitted_by, key)', async () => {
        await fresh();
        const first = await create({ submitted_by: 'key-a', idempotency_key: 'op-1' });
        const seq = await store.latestSeq();
        const again = await create({ submitted_by: 'key-a', idempotency_key: 'op-1', tool: 'other' });
        expect(again.created).toBe(false);
        expect(again.action).toEqual(first.action);
        expect(again.events).toEqual(first.events);
        expect(await store.latestSeq()).toBe(seq);
        expect((await store.listActions({ filter: {}, limit: 10 })).total).toBe(1);
      });

      it('scopes keys by submitter, with a null submitter as one scope of its own', async () => {
        await fresh();
        expect((await create({ submitted_by: 'key-a', idempotency_key: 'op' })).created).toBe(true);
        expect((await create({ submitted_by: 'key-b', idempotency_key: 'op' })).created).toBe(true);
        expect((await create({ submitted_by: null, idempotency_key: 'op' })).created).toBe(true);
        expect((await create({ submitted_by: '', idempotency_key: 'op' })).created).toBe(true);
        expect((await create({ submitted_by: null, idempotency_key: 'op' })).created).toBe(false);
        expect((await create({ submitted_by: null, idempotency_key: null })).created).toBe(true);
        expect((await create({ submitted_by: null, idempotency_key: null })).created).toBe(true);
      });

      it('creates exactly one action for concurrent submissions with the same key', async () => {
        await fresh();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => create({ submitted_by: 'key-a', idempotency_key: 'same' })),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.action.id)).size).toBe(1);
        expect((await allEvents()).length).toBe(2);
      });
    });

    describe('transition', () => {
      it('applies the patch, bumps version, sets updated_at and appends events at `at`', async () => {
        await fresh();
        const { action } = await create({ status: 'pending_approval', approval_token: 'tok' });
        const at = nextTime();
        const result = await store.transition({
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
        expect(await store.getAction(action.id)).toEqual(expected);
        expect(result.events).toHaveLength(1);
        expect(result.events[0]).toMatchObject({ event_type: 'approved', created_at: at, action: expected });
        expect((await store.listEvents(action.id)).map((e) => e.event_type)).toEqual([
          'created',
          'decision_made',
          'approved',
        ]);
      });

      it('records several events with one change', async () => {
        await fresh();
        const { action } = await create();
        const at = nextTime();
        const { events } = await store.transition({
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
        await fresh();
        await expectStoreError(
          store.transition({
            id: randomUUID(),
            expected_version: 1,
            patch: {},
            events: newEvents('x'),
            at: nextTime(),
          }),
          'not_found',
        );
        expect(await store.latestSeq()).toBe(0);
      });

      it('fails with version_conflict on a stale version and writes nothing', async () => {
        await fresh();
        const { action } = await create();
        const seq = await store.latestSeq();
        await expectStoreError(
          store.transition({
            id: action.id,
            expected_version: 7,
            patch: { status: 'failed' },
            events: newEvents('failed'),
            at: nextTime(),
          }),
          'version_conflict',
        );
        expect(await store.getAction(action.id)).toEqual(action);
        expect(await store.latestSeq()).toBe(seq);
      });

      it('lets exactly one of 100 concurrent transitions on the same version win', async () => {
        await fresh();
        const { action } = await create({ status: 'pending_approval' });
        const seq = await store.latestSeq();
        const attempts = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) =>
            store.transition({
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
        expect(await store.latestSeq()).toBe(seq + 1);
        expect((await store.getAction(action.id))?.version).toBe(2);
        expect(await store.listEvents(action.id)).toHaveLength(3);
      });

      it('keeps other writes of the same moment when one transition fails', async () => {
        await fresh();
        const { action } = await create();
        const [bad, good, created] = await Promise.allSettled([
          store.transition({ id: action.id, expected_version: 5, patch: {}, events: newEvents('x'), at: nextTime() }),
          store.transition({
            id: action.id,
            expected_version: 1,
            patch: { status: 'executing' },
            events: newEvents('started'),
            at: nextTime(),
          }),
          create(),
        ]);
        expect(bad.status).toBe('rejected');
        expect(good.status).toBe('fulfilled');
        expect(created.status).toBe('fulfilled');
        expect(verifyLedger(await allEvents())).toEqual({ ok: true });
      });
    });

    describe('hash chain', () => {
      const buildLedger = async () => {
        const { action } = await create({ status: 'pending_approval', approval_token: 'tok-1' });
        await create();
        await store.transition({
          id: action.id,
          expected_version: 1,
          patch: { status: 'approved', approval_token: 'tok-2' },
          events: newEvents('approved'),
          at: nextTime(),
        });
        return allEvents();
      };

      it('links every event to the previous one from GENESIS_HASH and verifies', async () => {
        await fresh();
        const events = await buildLedger();
        expect(events).toHaveLength(5);
        expect(events[0]!.prev_hash).toBe(GENESIS_HASH);
        for (let i = 1; i < events.length; i++) expect(events[i]!.prev_hash).toBe(events[i - 1]!.hash);
        expect(verifyLedger(events)).toEqual({ ok: true });
      });

      it('detects an edited, deleted or reordered event', async () => {
        await fresh();
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
        await fresh();
        const events = await buildLedger();
        for (const event of events) expect(event.action.approval_token).toBeNull();
        expect(JSON.stringify(events)).not.toContain('tok-');
        const pending = (await store.listActions({ filter: { status: 'approved' }, limit: 1 })).items[0];
        expect(pending?.approval_token).toBe('tok-2');
      });
    });

    describe('listActions', () => {
      const seed = async () => {
        const t0 = nextTime();
        const rows = [
          await create({
            id: 'aaaa0000-0000-4000-8000-000000000001',
            created_at: t0,
            agent_id: 'bot-1',
            tool: 'shell',
          }),
          await create({ id: 'aaaa0000-0000-4000-8000-000000000002', created_at: t0, agent_id: 'bot-2', tool: 'http' }),
          await create({
            id: 'bbbb0000-0000-4000-8000-000000000003',
            agent_id: 'bot-1',
            tool: 'stripe_refund',
            operation: 'Refund',
            status: 'pending_approval',
            risk_level: 'high',
            submitted_by: 'key-a',
          }),
          await create({ agent_id: '100%_sure', tool: 'http', operation: 'get' }),
          await create({ agent_id: '100x-sure', tool: 'http', operation: 'get' }),
        ];
        return rows.map((r) => r.action);
      };

      it('orders newest first, by id descending for equal timestamps, with total', async () => {
        await fresh();
        const rows = await seed();
        const { items, total } = await store.listActions({ filter: {}, limit: 100 });
        expect(total).toBe(5);
        expect(items.map((a) => a.id)).toEqual([rows[4]!.id, rows[3]!.id, rows[2]!.id, rows[1]!.id, rows[0]!.id]);
      });

      it('filters by status, tool, agent_id, risk_level and submitted_by', async () => {
        await fresh();
        const rows = await seed();
        const ids = async (filter: object) =>
          (await store.listActions({ filter, limit: 100 })).items.map((a) => a.id).sort();
        expect(await ids({ status: 'pending_approval' })).toEqual([rows[2]!.id]);
        expect(await ids({ tool: 'http' })).toEqual([rows[1]!.id, rows[3]!.id, rows[4]!.id].sort());
        expect(await ids({ agent_id: 'bot-1' })).toEqual([rows[0]!.id, rows[2]!.id].sort());
        expect(await ids({ risk_level: 'high' })).toEqual([rows[2]!.id]);
        expect(await ids({ submitted_by: 'key-a' })).toEqual([rows[2]!.id]);
        expect(await ids({ agent_id: 'bot-1', tool: 'http' })).toEqual([]);
      });

      it('filters by time range: since inclusive, until exclusive', async () => {
        await fresh();
        const rows = await seed();
        const { items } = await store.listActions({
          filter: { since: rows[2]!.created_at, until: rows[4]!.created_at },
          limit: 100,
        });
        expect(items.map((a) => a.id)).toEqual([rows[3]!.id, rows[2]!.id]);
      });

      it('matches q case-insensitively in id, agent_id, tool and operation, with LIKE wildcards literal', async () => {
        await fresh();
        const rows = await seed();
        const ids = async (q: string) =>
          (await store.listActions({ filter: { q }, limit: 100 })).items.map((a) => a.id).sort();
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
        await fresh();
        await seed();
        const all = (await store.listActions({ filter: {}, limit: 100 })).items;
        const page2 = await store.listActions({ filter: {}, limit: 2, offset: 2 });
        expect(page2.total).toBe(5);
        expect(page2.items).toEqual(all.slice(2, 4));

        const walked: ActionRecord[] = [];
        let after: { created_at: string; id: string } | undefined;
        for (;;) {
          const page = await store.listActions({ filter: {}, limit: 2, ...(after ? { after } : {}) });
          expect(page.total).toBe(5);
          walked.push(...page.items);
          const last = page.items.at(-1);
          if (page.items.length < 2 || !last) break;
          after = { created_at: last.created_at, id: last.id };
        }
        expect(walked).toEqual(all);

        const keysetWins = await store.listActions({
          filter: {},
          limit: 10,
          offset: 4,
          after: { created_at: all[0]!.created_at, id: all[0]!.id },
        });
        expect(keysetWins.items).toEqual(all.slice(1));
      });

      it('combines keyset paging with a filter', async () => {
        await fresh();
        const rows = await seed();
        const page = await store.listActions({
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
        await fresh();
        const ids = [
          'abc00000-0000-4000-8000-000000000001',
          'abc00000-0000-4000-8000-000000000002',
          'abd00000-0000-4000-8000-000000000003',
          'ab000000-0000-4000-8000-000000000004',
        ];
        for (const id of ids) await create({ id });
        expect((await store.findByIdPrefix('abc', 10)).map((a) => a.id)).toEqual(ids.slice(0, 2));
        expect((await store.findByIdPrefix('abc', 1)).map((a) => a.id)).toEqual(ids.slice(0, 1));
        expect((await store.findByIdPrefix('ab', 10)).map((a) => a.id)).toEqual([ids[3], ids[0], ids[1], ids[2]]);
        expect(await store.findByIdPrefix('abe', 10)).toEqual([]);
        expect(await store.findByIdPrefix('abc%', 10)).toEqual([]);
        expect(await store.findByIdPrefix(ids[2]!, 10)).toHaveLength(1);
      });
    });

    describe('eventsAfter', () => {
      it('streams events after a seq, in order, limited and filtered', async () => {
        await fresh();
        const a = await create({ agent_id: 'bot-1', tool: 'shell' });
        const b = await create({ agent_id: 'bot-2', tool: 'http', status: 'pending_approval' });
        await store.transition({
          id: a.action.id,
          expected_version: 1,
          patch: { status: 'executing' },
          events: newEvents('started'),
          at: nextTime(),
        });
        const all = await allEvents();
        expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(await store.eventsAfter(2, 2)).toEqual(all.slice(2, 4));
        expect(await store.eventsAfter(5, 10)).toEqual([]);
        const seqs = async (filter: object, after = 0) =>
          (await store.eventsAfter(after, 100, filter)).map((e) => e.seq);
        expect(await seqs({ action_id: a.action.id })).toEqual([1, 2, 5]);
        expect(await seqs({ agent_id: 'bot-2' })).toEqual([3, 4]);
        expect(await seqs({ tool: 'shell' })).toEqual([1, 2, 5]);
        expect(await seqs({ status: 'executing' })).toEqual([5]);
        expect(await seqs({ status: 'pending_approval' })).toEqual([3, 4]);
        expect(await seqs({ agent_id: 'bot-1', status: 'allowed' })).toEqual([1, 2]);
        expect(await seqs({ tool: 'shell' }, 2)).toEqual([5]);
        expect(await seqs({ action_id: b.action.id, tool: 'shell' })).toEqual([]);
      });
    });

    describe('expiry and counts', () => {
      it('lists pending approvals expired at a time, oldest first, limited', async () => {
        await fresh();
        const t1 = nextTime();
        const t2 = nextTime();
        const t3 = nextTime();
        const late = await create({ status: 'pending_approval', approval_expires_at: t2 });
        const early = await create({ status: 'pending_approval', approval_expires_at: t1 });
        await create({ status: 'pending_approval', approval_expires_at: t3 });
        await create({ status: 'pending_approval', approval_expires_at: null });
        await create({ status: 'approved', approval_expires_at: t1 });
        expect((await store.listExpiredPending(t2, 10)).map((a) => a.id)).toEqual([early.action.id, late.action.id]);
        expect((await store.listExpiredPending(t2, 1)).map((a) => a.id)).toEqual([early.action.id]);
        expect(await store.listExpiredPending(t1.replace('2030', '2029'), 10)).toEqual([]);
      });

      it('counts actions by status', async () => {
        await fresh();
        expect(await store.countByStatus()).toEqual({});
        await create({ status: 'allowed' });
        await create({ status: 'allowed' });
        const { action } = await create({ status: 'pending_approval' });
        await store.transition({
          id: action.id,
          expected_version: 1,
          patch: { status: 'denied' },
          events: newEvents('denied'),
          at: nextTime(),
        });
        expect(await store.countByStatus()).toEqual({ allowed: 2, denied: 1 });
      });
    });

    describe('lifecycle', () => {
      it('answers ping and info while open', async () => {
        await fresh();
        await store.ping();
        const info = await store.info();
        expect(info.schema_version).toBe(SCHEMA_VERSION);
        expect(typeof info.location).toBe('string');
      });

      it('rejects every operation with unavailable after close', async () => {
        await fresh();
        await create();
        await store.close();
        await expectStoreError(store.ping(), 'unavailable');
        await expectStoreError(store.getAction('x'), 'unavailable');
        await expectStoreError(create(), 'unavailable');
        await expectStoreError(store.eventsAfter(0, 10), 'unavailable');
      });

      it('completes writes issued just before close', async () => {
        await fresh();
        const pending = Array.from({ length: 10 }, () => create());
        await store.close();
        const results = await Promise.all(pending);
        expect(results.every((r) => r.created)).toBe(true);
      });

      // Registered only for durable adapters: a memory store has nothing to reopen.
      if (capabilities.durable) {
        it('keeps actions and the ledger across a reopen', async () => {
          await fresh();
          if (!opened?.reopen) throw new Error(`${name} is declared durable but gives no reopen()`);
          const { action } = await create({ status: 'pending_approval', approval_token: 'tok' });
          await store.transition({
            id: action.id,
            expected_version: 1,
            patch: { status: 'approved' },
            events: newEvents('approved'),
            at: nextTime(),
          });
          const before = { action: await store.getAction(action.id), events: await allEvents() };
          store = await opened.reopen();
          expect(await store.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
          expect(await store.getAction(action.id)).toEqual(before.action);
          expect(await allEvents()).toEqual(before.events);
          const next = await create();
          expect(next.events[0]!.prev_hash).toBe(before.events.at(-1)!.hash);
          expect(verifyLedger(await allEvents())).toEqual({ ok: true });
        });
      }
    });

    describe('model', () => {
      it('agrees with a simple model over random transition sequences', async () => {
        await fresh();
        const statuses = ['allowed', 'pending_approval', 'approved', 'executing', 'succeeded', 'failed'];
        const step = fc.record({
          target: fc.nat(2),
          versionSkew: fc.constantFrom(0, 0, 0, 1, -1),
          status: fc.constantFrom(...statuses),
          concurrent: fc.boolean(),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
            const created = await Promise.all([create(), create(), create()]);
            const model = created.map((c) => ({ ...c.action }));
            let events = await store.latestSeq();
            for (const s of steps) {
              const current = model[s.target]!;
              const at = nextTime();
              const attempt = () =>
                store.transition({
                  id: current.id,
                  expected_version: current.version + s.versionSkew,
                  patch: { status: s.status },
                  events: newEvents(s.status),
                  at,
                });
              const outcomes = await Promise.allSettled(s.concurrent ? [attempt(), attempt()] : [attempt()]);
              const wins = outcomes.filter((o) => o.status === 'fulfilled');
              if (s.versionSkew === 0) {
                expect(wins).toHaveLength(1);
                Object.assign(current, { status: s.status, version: current.version + 1, updated_at: at });
                events += 1;
              } else {
                expect(wins).toHaveLength(0);
              }
            }
            for (const expected of model) expect(await store.getAction(expected.id)).toEqual(expected);
            expect(await store.latestSeq()).toBe(events);
          }),
          { numRuns: 25 },
        );
        expect(verifyLedger(await allEvents())).toEqual({ ok: true });
      });
    });
  });
}
