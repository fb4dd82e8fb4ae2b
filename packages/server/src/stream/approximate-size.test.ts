import { describe, expect, it } from 'vitest';
import { approximateJsonSize } from './approximate-size.js';

describe('approximateJsonSize', () => {
  it('counts strings, keys, leaves and brackets of nested objects and arrays', () => {
    // {} 2, key a 1+4, "xy" 2+2, key b 1+4, [] 2 + one per element, 1 and null 8 each, {} 2, key c 1+4, true 8
    const value = { a: 'xy', b: [1, null, { c: true }] };
    expect(approximateJsonSize(value)).toBe(2 + 5 + 4 + 5 + 5 + 8 + 8 + 2 + 5 + 8);
  });

  it('stays near the JSON length of an action-shaped record', () => {
    const record = {
      id: '0b5f6a52-8d1e-4f57-9f3a-3f1c2a7d9e11',
      params: { url: 'https://api.example.com/items/1', headers: { accept: 'json' } },
      context: {},
      matched_rule: { index: 3, description: 'reads' },
      reason: null,
      version: 1,
    };
    const exact = JSON.stringify(record).length;
    expect(approximateJsonSize(record)).toBeGreaterThan(exact * 0.8);
    expect(approximateJsonSize(record)).toBeLessThan(exact * 1.5);
  });

  it('walks a value nested far deeper than the call stack allows without overflowing', () => {
    let deep: unknown = 'end';
    for (let i = 0; i < 200_000; i++) deep = i % 2 === 0 ? [deep] : { k: deep };
    expect(approximateJsonSize(deep)).toBeGreaterThan(200_000);
  });

  it('counts a top-level string or number on its own', () => {
    expect(approximateJsonSize('abc')).toBe(5);
    expect(approximateJsonSize(42)).toBe(8);
  });
});
