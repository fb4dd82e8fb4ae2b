import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runningAtOrBefore } from '../counted-rows.js';
import {
  describeLimitsContract,
  describeStoreContract,
  describeUsagePruneContract,
  newEvents,
  sampleAction,
} from '../store.contract.js';
import type { CreateActionInput, Store } from '../store.js';
import { RecentUsage } from './recent-usage.js';
import { openedSqliteStore } from './sqlite-contract.test-support.js';
import { createSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-recent-usage-'));
  dirs.push(dir);
  return join(dir, 'actions.db');
}

async function opened(path: string, usageMoveRows: number): Promise<Store> {
  const store = createSqliteStore({ path, usageMoveRows });
  stores.push(store);
  await store.migrate();
  return store;
}

// The limits and pruning contracts again with usage moved into its index every two rows, so that most of its
// reads combine rows already moved with rows still waiting to move.
describeStoreContract(
  'sqlite, usage moved every 2 rows',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-recent-usage-'));
    return openedSqliteStore(dir, join(dir, 'actions.db'), { usageMoveRows: 2 });
  },
  { durable: true },
  [describeLimitsContract, describeUsagePruneContract],
);

const at = (ms: number): string => new Date(Date.parse('2031-01-01T00:00:00.000Z') + ms).toISOString();

/** A submission whose gate always allows, using `amount` of `key`. */
function counted(ms: number, key: string, amount: number): CreateActionInput {
  const action = sampleAction({ created_at: at(ms), status: 'allowed', decision: 'allow' });
  const events = newEvents('created', 'decision_made');
  return {
    action,
    events,
    limit: { key, since: at(ms - 3_600_000), decide: () => ({ action, events, amount }) },
  };
}

interface Written {
  key: string;
  ms: number;
  amount: number;
}

/** What a window must sum: every row counted strictly after `since`. */
function expected(rows: readonly Written[], key: string, sinceMs: number): number {
  return rows.filter((row) => row.key === key && row.ms > sinceMs).reduce((sum, row) => sum + row.amount, 0);
}

/** A small deterministic generator (the test must fail the same way every run). */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('counted limit usage waiting to be moved into its index', () => {
  it('sums every window exactly over rows moved and not, counted in order, at one instant and out of order', async () => {
    const store = await opened(tempPath(), 3);
    const random = generator(7);
    const rows: Written[] = [];
    for (let round = 0; round < 24; round += 1) {
      const batch: Promise<unknown>[] = [];
      for (let i = 0; i < 8; i += 1) {
        const key = `k${Math.floor(random() * 3)}`;
        const roll = random();
        // Mostly later than every row so far; some at the same instant; some earlier (out of order).
        const ms = roll < 0.15 ? Math.floor(random() * round * 80) : roll < 0.3 ? round * 80 : round * 80 + i * 10;
        const amount = Math.floor(random() * 5);
        rows.push({ key, ms, amount });
        // Written in the same tick, so they share a group commit.
        batch.push(store.createAction(counted(ms, key, amount)));
      }
      await Promise.all(batch);
      for (const key of ['k0', 'k1', 'k2']) {
        for (const sinceMs of [
          -1,
          0,
          Math.floor(round * 40),
          round * 80 - 1,
          round * 80,
          round * 80 + 35,
          round * 80 + 100,
        ]) {
          expect({ key, round, sinceMs, used: await store.limitUsage(key, at(sinceMs)) }).toEqual({
            key,
            round,
            sinceMs,
            used: expected(rows, key, sinceMs),
          });
        }
      }
    }
  });

  it('forgets what a batch that rolled back had counted, rows moved included', async () => {
    const store = await opened(tempPath(), 100);
    await store.createAction(counted(0, 'k', 1));
    const other = await store.createAction(counted(1, 'other', 1));
    // One batch: a row appended, a row counted earlier than its bucket's newest (which moves every
    // waiting row first), then a write that fails, so the batch is rolled back and run again op by op.
    const outcomes = await Promise.allSettled([
      store.createAction(counted(10, 'k', 2)),
      store.createAction(counted(5, 'k', 4)),
      store.transition({
        id: other.action.id,
        expected_version: 7,
        patch: { status: 'denied' },
        events: newEvents('denied'),
        at: at(20),
      }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(await store.limitUsage('k', at(-1))).toBe(7);
    expect(await store.limitUsage('k', at(4))).toBe(6);
    expect(await store.limitUsage('k', at(5))).toBe(2);
    await store.createAction(counted(11, 'k', 8));
    expect(await store.limitUsage('k', at(-1))).toBe(15);
    expect(await store.limitUsage('k', at(10))).toBe(8);
  });

  it('counts an approval after the rows of its bucket still waiting to move', async () => {
    const store = await opened(tempPath(), 100);
    const waiting = sampleAction({ created_at: at(0), status: 'pending_approval', decision: 'require_approval' });
    const events = newEvents('created', 'decision_made');
    await store.createAction({
      action: waiting,
      events,
      limit: { key: 'k', since: at(-3_600_000), decide: () => ({ action: waiting, events, amount: 10 }) },
    });
    await store.createAction(counted(1, 'k', 1));
    await store.createAction(counted(2, 'k', 2));
    await store.transition({
      id: waiting.id,
      expected_version: 1,
      patch: { status: 'approved' },
      events: newEvents('approved'),
      at: at(5),
    });
    await store.createAction(counted(6, 'k', 4));
    expect(await store.limitUsage('k', at(-1))).toBe(17);
    expect(await store.limitUsage('k', at(1))).toBe(16);
    expect(await store.limitUsage('k', at(4))).toBe(14);
    expect(await store.limitUsage('k', at(5))).toBe(4);
  });

  it('gives every gate its exact window as the window start moves past rows read ahead of it', async () => {
    // A 200 ms window over rows 10 ms apart: the start crosses a row on most writes, the rows read
    // ahead of it run out every AHEAD_ROWS, rows move into the index every 5, some rows come out
    // of order (shifting the totals after them) and some waiting actions are approved later.
    const store = await opened(tempPath(), 5);
    const random = generator(11);
    const rows: Written[] = [];
    const waiting: { id: string; key: string; amount: number }[] = [];
    const windowMs = 200;
    for (let step = 0; step < 260; step += 1) {
      const key = `k${Math.floor(random() * 2)}`;
      const roll = random();
      const ms = roll < 0.1 ? step * 10 - Math.floor(random() * 150) : step * 10;
      const amount = 1 + Math.floor(random() * 3);
      const sinceMs = ms - windowMs;
      const seen: number[] = [];
      const pending = roll > 0.93;
      const action = sampleAction({
        created_at: at(ms),
        status: pending ? 'pending_approval' : 'allowed',
        decision: pending ? 'require_approval' : 'allow',
      });
      const events = newEvents('created', 'decision_made');
      await store.createAction({
        action,
        events,
        limit: {
          key,
          since: at(sinceMs),
          decide: (used) => {
            seen.push(used);
            return { action, events, amount };
          },
        },
      });
      expect({ step, key, sinceMs, used: seen.at(-1) }).toEqual({
        step,
        key,
        sinceMs,
        used: expected(rows, key, sinceMs),
      });
      if (pending) waiting.push({ id: action.id, key, amount });
      else rows.push({ key, ms, amount });
      // Now and then an approval: it counts from the instant it is approved.
      if (waiting.length > 0 && random() < 0.05) {
        const approved = waiting.shift() as (typeof waiting)[number];
        await store.transition({
          id: approved.id,
          expected_version: 1,
          patch: { status: 'approved' },
          events: newEvents('approved'),
          at: at(step * 10),
        });
        rows.push({ key: approved.key, ms: step * 10, amount: approved.amount });
      }
      // Reads outside a write, at the moving start and just around it.
      for (const offset of [-1, 0, 1]) {
        expect(await store.limitUsage(key, at(sinceMs + offset))).toBe(expected(rows, key, sinceMs + offset));
      }
    }
  });

  it('sees the usage another connection counted in the same file', async () => {
    const path = tempPath();
    const one = await opened(path, 3);
    const two = await opened(path, 3);
    const rows: Written[] = [];
    for (let round = 0; round < 6; round += 1) {
      for (const [store, offset] of [
        [one, 0],
        [two, 5],
      ] as const) {
        for (let i = 0; i < 2; i += 1) {
          const ms = round * 100 + offset + i;
          rows.push({ key: 'k', ms, amount: round + 1 });
          await store.createAction(counted(ms, 'k', round + 1));
        }
      }
      for (const store of [one, two]) {
        for (const sinceMs of [-1, round * 100, round * 100 + 4]) {
          expect(await store.limitUsage('k', at(sinceMs))).toBe(expected(rows, 'k', sinceMs));
        }
      }
    }
  });
});

describe('RecentUsage', () => {
  it('undoes the changes of a write or a transaction that rolled back, newest first', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE limit_usage_recent (action_id, limit_key, amount, counted_at, running)');
    const recent = new RecentUsage(db, 10);
    recent.sync();
    recent.append('a', at(0), 1);
    recent.ended(true);
    recent.append('a', at(1), 2);
    const mark = recent.mark();
    recent.append('b', at(1), 5);
    recent.moved();
    recent.append('a', at(2), 3);
    expect(recent.count).toBe(1);
    recent.rollbackTo(mark);
    expect(recent.rowsOf('a')).toEqual([
      { at: at(0), running: 1 },
      { at: at(1), running: 2 },
    ]);
    expect(recent.rowsOf('b')).toBeUndefined();
    recent.ended(false);
    expect(recent.rowsOf('a')).toEqual([{ at: at(0), running: 1 }]);
    expect(recent.count).toBe(1);
    db.close();
  });

  it('finds the total at an instant: the last row counted at or before it', () => {
    const rows = [
      { at: at(1), running: 1 },
      { at: at(3), running: 2 },
      { at: at(3), running: 4 },
      { at: at(7), running: 9 },
    ];
    expect(runningAtOrBefore(rows, at(0))).toBeUndefined();
    expect(runningAtOrBefore(rows, at(1))).toBe(1);
    expect(runningAtOrBefore(rows, at(2))).toBe(1);
    expect(runningAtOrBefore(rows, at(3))).toBe(4);
    expect(runningAtOrBefore(rows, at(6))).toBe(4);
    expect(runningAtOrBefore(rows, at(9))).toBe(9);
  });
});
