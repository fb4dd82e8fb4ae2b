import { describe, expect, it } from 'vitest';
import type { ContractScope } from './contract-scope.js';

const T = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second)).toISOString();

/** `store.settings`: named values changed only by compare-and-set. */
export function describeSettingsContract(s: ContractScope): void {
  describe('settings', () => {
    it('writes a first value only where none is, and reads it back', async () => {
      await s.fresh();
      const { settings } = s.store;
      expect(await settings.get('key_id')).toBeNull();
      expect(await settings.compareAndSet({ name: 'key_id', expected: null, value: 'a1', at: T(0) })).toBe(true);
      expect(await settings.compareAndSet({ name: 'key_id', expected: null, value: 'b2', at: T(1) })).toBe(false);
      expect(await settings.get('key_id')).toEqual({ name: 'key_id', value: 'a1', set_at: T(0) });
      expect(await settings.get('other')).toBeNull();
    });

    it('replaces a value only while the stored one is the one expected', async () => {
      await s.fresh();
      const { settings } = s.store;
      await settings.compareAndSet({ name: 'key_id', expected: null, value: 'a1', at: T(0) });
      expect(await settings.compareAndSet({ name: 'key_id', expected: 'zz', value: 'c3', at: T(1) })).toBe(false);
      // Compared exactly: another case is another value.
      expect(await settings.compareAndSet({ name: 'key_id', expected: 'A1', value: 'c3', at: T(1) })).toBe(false);
      expect(await settings.compareAndSet({ name: 'key_id', expected: 'a1', value: 'b2', at: T(2) })).toBe(true);
      expect(await settings.get('key_id')).toEqual({ name: 'key_id', value: 'b2', set_at: T(2) });
      expect(await settings.compareAndSet({ name: 'key_id', expected: 'a1', value: 'c3', at: T(3) })).toBe(false);
    });

    it('lets exactly one of many concurrent writers from the same value win', async () => {
      await s.fresh();
      const { settings } = s.store;
      const first = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          settings.compareAndSet({ name: 'race', expected: null, value: `v${i}`, at: T(i) }),
        ),
      );
      expect(first.filter(Boolean)).toHaveLength(1);
      const stored = await settings.get('race');
      expect(stored?.value).toBe(`v${first.indexOf(true)}`);
      const next = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          settings.compareAndSet({ name: 'race', expected: stored?.value ?? null, value: `w${i}`, at: T(20 + i) }),
        ),
      );
      expect(next.filter(Boolean)).toHaveLength(1);
      expect((await settings.get('race'))?.value).toBe(`w${next.indexOf(true)}`);
    });

    if (s.capabilities.durable) {
      it('keeps settings across a reopen', async () => {
        await s.fresh();
        await s.store.settings.compareAndSet({ name: 'key_id', expected: null, value: 'a1', at: T(0) });
        if (!s.opened?.reopen) throw new Error(`${s.name} is durable but gives no reopen()`);
        s.store = await s.opened.reopen();
        await s.store.migrate();
        expect(await s.store.settings.get('key_id')).toEqual({ name: 'key_id', value: 'a1', set_at: T(0) });
      });
    }
  });
}
