import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('rate limiter', () => {
  it('refills at its rate up to the burst', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 4, maxKeys: 10, now: () => now });
    for (let i = 0; i < 4; i++) expect(limiter.take('a', 1)).toBe(0);
    expect(limiter.take('a', 1)).toBe(1);
    now += 500;
    expect(limiter.take('a', 1)).toBe(0);
    now += 60_000;
    for (let i = 0; i < 4; i++) expect(limiter.take('a', 1)).toBe(0);
    expect(limiter.take('a', 1)).toBeGreaterThan(0);
  });

  it('tracks at most maxKeys callers, forgetting the least recently seen', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 3, now: () => 0 });
    for (const key of ['a', 'b', 'c']) expect(limiter.take(key, 1)).toBe(0);
    expect(limiter.take('a', 1)).toBe(1);
    for (let i = 0; i < 1000; i++) limiter.take(`spray-${i}`, 1);
    expect(limiter.size).toBe(3);
    // Forgotten: starts again with a full bucket (a forgotten debt, never a block).
    expect(limiter.take('a', 1)).toBe(0);
  });

  it('lets a request costing more than the burst through with a full bucket', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 5, maxKeys: 3, now: () => 0 });
    expect(limiter.take('a', 50)).toBe(0);
    expect(limiter.take('a', 1)).toBe(1);
  });
});
