import { describe, expect, it } from 'vitest';
import { MAX_BYTES, WindowStarts } from './window-starts.js';

const at = (ms: number): string => new Date(Date.parse('2031-01-01T00:00:00.000Z') + ms).toISOString();
const row = (ms: number, running: number) => ({ at: at(ms), running });

describe('WindowStarts', () => {
  it('answers for the instants between the row before the start and the end of the rows read', () => {
    const starts = new WindowStarts();
    starts.remember('k', [row(10, 3), row(20, 5), row(20, 6), row(30, 9)], at(10), at(40));
    expect(starts.totalAt('k', at(9))).toBeUndefined();
    expect(starts.totalAt('k', at(10))).toBe(3);
    expect(starts.totalAt('k', at(19))).toBe(3);
    expect(starts.totalAt('k', at(20))).toBe(6);
    expect(starts.totalAt('k', at(39))).toBe(9);
    expect(starts.totalAt('k', at(40))).toBeUndefined();
    expect(starts.totalAt('other', at(20))).toBeUndefined();
  });

  it('counts 0 before a bucket’s first row, and without an end holds up to now', () => {
    const starts = new WindowStarts();
    starts.remember('k', [row(50, 2)], null, null);
    expect(starts.totalAt('k', at(-1_000_000))).toBe(0);
    expect(starts.totalAt('k', at(49))).toBe(0);
    expect(starts.totalAt('k', at(5_000_000))).toBe(2);
  });

  it('ends the range where a row is appended, and forgets a bucket whose totals shifted', () => {
    const starts = new WindowStarts();
    starts.remember('k', [row(10, 3)], at(10), null);
    starts.appended('k', at(25));
    expect(starts.totalAt('k', at(24))).toBe(3);
    expect(starts.totalAt('k', at(25))).toBeUndefined();
    // A later append leaves the earlier end.
    starts.appended('k', at(30));
    expect(starts.totalAt('k', at(26))).toBeUndefined();
    // At the instant of the row it starts from: nothing holds any more.
    starts.remember('j', [row(10, 3)], at(10), null);
    starts.appended('j', at(10));
    expect(starts.totalAt('j', at(10))).toBeUndefined();
    starts.forget('k');
    expect(starts.size.buckets).toBe(1);
    starts.forgetAll();
    expect(starts.size).toEqual({ buckets: 0, bytes: 0 });
  });

  it('stays within its bytes however long and many the agent-chosen keys are', () => {
    const starts = new WindowStarts();
    const rows = Array.from({ length: 17 }, (_, i) => row(i, i));
    for (let i = 0; i < 2000; i += 1) {
      starts.remember(`${'x'.repeat(4096)}${i}`, rows, at(0), at(17));
      expect(starts.size.bytes).toBeLessThanOrEqual(MAX_BYTES);
    }
    // Replacing a bucket's entry doesn't count it twice.
    starts.forgetAll();
    for (let i = 0; i < 100; i += 1) starts.remember('k', rows, at(0), at(17));
    expect(starts.size.buckets).toBe(1);
    expect(starts.size.bytes).toBeLessThan(4096);
  });
});
