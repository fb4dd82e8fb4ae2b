import { describe, expect, it } from 'vitest';
import { Readiness } from './readiness.js';

function clock(start = 0) {
  let ms = start;
  return { now: () => new Date(ms), advance: (by: number) => (ms += by) };
}

describe('Readiness', () => {
  it('is ready only when every named check is ok, and lists the failing reasons', async () => {
    const readiness = new Readiness({ cacheMs: 0, timeoutMs: 1000, now: clock().now });
    readiness.add({ name: 'a', check: async () => ({ ok: true }) });
    readiness.add({ name: 'b', check: async () => ({ ok: false, reason: 'b_broken', details: { why: 'x' } }) });
    const report = await readiness.report();
    expect(report.ready).toBe(false);
    expect(report.checks).toEqual([
      { name: 'a', ok: true },
      { name: 'b', ok: false, reason: 'b_broken', details: { why: 'x' } },
    ]);
  });

  it('runs the checks at most once per cache window, however often it is asked', async () => {
    const time = clock();
    const readiness = new Readiness({ cacheMs: 1000, timeoutMs: 1000, now: time.now });
    let runs = 0;
    readiness.add({ name: 'db', check: async () => ({ ok: ++runs > 0 }) });
    await Promise.all(Array.from({ length: 50 }, () => readiness.report()));
    for (let i = 0; i < 20; i++) await readiness.report();
    expect(runs).toBe(1);
    time.advance(999);
    await readiness.report();
    expect(runs).toBe(1);
    time.advance(1);
    await readiness.report();
    expect(runs).toBe(2);
  });

  it('shares one run between concurrent callers even with no cache', async () => {
    const readiness = new Readiness({ cacheMs: 0, timeoutMs: 1000, now: clock().now });
    let runs = 0;
    readiness.add({
      name: 'slow',
      check: async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { ok: true };
      },
    });
    await Promise.all(Array.from({ length: 10 }, () => readiness.report()));
    expect(runs).toBe(1);
  });

  it('counts a check that throws or hangs as failed, never as ready', async () => {
    const readiness = new Readiness({ cacheMs: 0, timeoutMs: 30, now: clock().now });
    readiness.add({
      name: 'ledger',
      check: async () => {
        throw new Error('head behind checkpoint');
      },
    });
    readiness.add({ name: 'stuck', check: () => new Promise(() => {}) });
    const report = await readiness.report();
    expect(report.ready).toBe(false);
    expect(report.checks).toEqual([
      { name: 'ledger', ok: false, reason: 'ledger_failed', details: { error: 'head behind checkpoint' } },
      { name: 'stuck', ok: false, reason: 'check_timeout', details: { timeout_ms: 30 } },
    ]);
  });

  it('refuses two checks with the same name', () => {
    const readiness = new Readiness({ cacheMs: 0, timeoutMs: 30, now: clock().now });
    readiness.add({ name: 'db', check: async () => ({ ok: true }) });
    expect(() => readiness.add({ name: 'db', check: async () => ({ ok: true }) })).toThrow(/already registered/);
  });
});
