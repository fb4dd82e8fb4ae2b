import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru.js';

describe('ByteLru', () => {
  it('evicts the least recently used entries to stay within its byte budget', () => {
    const lru = new ByteLru<number>(100);
    lru.set('a', 1, 20);
    lru.set('b', 2, 20);
    lru.set('c', 3, 20);
    expect(lru.get('a')).toBe(1);
    lru.set('d', 4, 20);
    lru.set('e', 5, 20);
    lru.set('f', 6, 20);
    expect(lru.bytes).toBeLessThanOrEqual(100);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('f')).toBe(6);
  });

  it('does not keep an entry bigger than a quarter of the budget', () => {
    const lru = new ByteLru<string>(100);
    lru.set('big', 'x', 26);
    expect(lru.get('big')).toBeUndefined();
    expect(lru.bytes).toBe(0);
  });

  it('replaces an entry without counting it twice', () => {
    const lru = new ByteLru<string>(100);
    lru.set('k', 'old', 10);
    lru.set('k', 'new', 15);
    expect(lru.get('k')).toBe('new');
    expect(lru.bytes).toBe(15);
    expect(lru.size).toBe(1);
  });
});
