/**
 * For the SQLite and PostgreSQL tests of migration 20 (running totals of limit usage): usage rows as
 * schema 16 stored them, and what the migrated store must report for them.
 */
import { expect } from 'vitest';
import type { Store } from '../store.js';
import { newEvents, sampleAction } from './fixtures.js';

export const BACKFILL_KEY = 'bucket';

const at = (minute: number): string => new Date(Date.parse('2031-01-01T00:00:00.000Z') + minute * 60_000).toISOString();

/** Schema-16 rows (action_id, limit_key, amount, counted_at): out of order, tied, waiting, another bucket. */
export const SCHEMA_16_ROWS: [string, string, number, string | null][] = [
  ['a1', BACKFILL_KEY, 2, at(5)],
  ['a2', BACKFILL_KEY, 3, at(2)],
  ['a3', BACKFILL_KEY, 4, at(5)],
  ['a4', BACKFILL_KEY, 9, null],
  ['b1', 'other', 100, at(3)],
];

/** Counts an allowed action of `amount` at `minute` in the backfilled bucket; returns the usage it saw. */
async function countAllowed(store: Store, minute: number, amount: number): Promise<number | undefined> {
  const action = sampleAction({ created_at: at(minute), status: 'allowed', decision: 'allow' });
  let seen: number | undefined;
  await store.createAction({
    action,
    events: newEvents('created'),
    limit: {
      key: BACKFILL_KEY,
      since: at(-1),
      decide: (used) => {
        seen = used;
        return { action, events: newEvents('created'), amount };
      },
    },
  });
  return seen;
}

/** Checks the migrated store's window sums over the backfilled rows, then counts new rows on top. */
export async function expectBackfilledUsage(store: Store): Promise<void> {
  const windows = await Promise.all([-1, 2, 4, 5].map((minute) => store.limitUsage(BACKFILL_KEY, at(minute))));
  expect(windows).toEqual([9, 6, 6, 0]);
  expect(await store.limitUsage('other', at(-1))).toBe(100);
  expect(await countAllowed(store, 4, 1)).toBe(9);
  expect(await Promise.all([-1, 3, 4].map((minute) => store.limitUsage(BACKFILL_KEY, at(minute))))).toEqual([10, 7, 6]);
  // A row counted at an instant whose backfilled rows share one total (a1 and a3 at minute 5) comes
  // after them (schema 21); totals before and at that instant stay as they were.
  expect(await countAllowed(store, 5, 10)).toBe(10);
  const after = await Promise.all([-1, 3, 4, 5].map((minute) => store.limitUsage(BACKFILL_KEY, at(minute))));
  expect(after).toEqual([20, 17, 16, 0]);
}
