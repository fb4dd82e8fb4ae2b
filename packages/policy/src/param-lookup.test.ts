import { describe, expect, it } from 'vitest';
import { matchGrantScope } from './grant-match.js';
import { validateGrantScope } from './grant-scope.js';
import { lookupPath, numberOf } from './param-lookup.js';

describe('numberOf', () => {
  it('reads numbers and plain decimal strings, trailing zeros included', () => {
    expect(numberOf(12.5)).toBe(12.5);
    expect(numberOf('12.50')).toBe(12.5);
    expect(numberOf('100')).toBe(100);
    expect(numberOf('0.1')).toBe(0.1);
    expect(numberOf('-5')).toBe(-5);
    expect(numberOf('0.000')).toBe(0);
  });

  it('refuses strings a tool could read as another number than the one compared', () => {
    for (const text of ['100.00000000000000001', '9007199254740993', '0.30000000000000000001']) {
      expect(numberOf(text), text).toBeNaN();
    }
  });

  it('refuses forms other than plain digits, a minus and a fraction', () => {
    for (const text of ['+50', '50.', '.5', '0050', '1e3', '0x10', ' 5', '5 ', '', '-', 'Infinity', '1,000', '١٢']) {
      expect(numberOf(text), text).toBeNaN();
    }
    expect(numberOf(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(numberOf(null)).toBeNaN();
    expect(numberOf([5])).toBeNaN();
  });

  it("is what a grant's at_most reads: an imprecise amount is not covered", () => {
    const scope = validateGrantScope({
      tool: 'pay',
      operation: 'send',
      agent_id: 'a',
      params: { amount: { at_most: 100 } },
    });
    if (!scope.ok) throw new Error('invalid scope');
    const covers = (amount: unknown) =>
      matchGrantScope(scope.scope, { agent_id: 'a', tool: 'pay', operation: 'send', params: { amount } }).ok;
    expect(covers('100.00')).toBe(true);
    expect(covers(100)).toBe(true);
    expect(covers('100.00000000000000001')).toBe(false);
    expect(covers('+50')).toBe(false);
  });
});

describe('lookupPath', () => {
  it('follows own properties and array indexes only', () => {
    expect(lookupPath({ a: [{ b: 1 }] }, ['a', '0', 'b'])).toEqual({ found: true, value: 1 });
    expect(lookupPath({}, ['__proto__'])).toEqual({ found: false });
    expect(lookupPath({ a: null }, ['a', 'b'])).toEqual({ found: false });
  });

  it("never reads an array's length or a non-index name as a value the agent sent", () => {
    expect(lookupPath({ s: [1, 2] }, ['s', 'length'])).toEqual({ found: false });
    expect(lookupPath({ s: [1, 2] }, ['s', '01'])).toEqual({ found: false });
    expect(lookupPath({ s: [1, 2] }, ['s', '1'])).toEqual({ found: true, value: 2 });
    expect(lookupPath({ s: { length: 3 } }, ['s', 'length'])).toEqual({ found: true, value: 3 });
  });
});
