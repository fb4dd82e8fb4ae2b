import { hash } from 'node:crypto';
import { canonicalJson } from '@faramesh/canonical';
import { describe, expect, it } from 'vitest';
import { type ByValue, LIMIT_KEY_CACHE_BYTES, limitKey, limitKeyCacheBytes, scopeIdOf } from './limit-key.js';

const scope = canonicalJson(['name:refunds', 'count', null, ['agent_id', 'params.host']]);
const scopeId = scopeIdOf(scope);
const direct = (values: readonly ByValue[]) =>
  hash('sha256', `${scope}\n${canonicalJson(values)}`, 'base64url').slice(0, 22);

describe('limit keys', () => {
  it('gives the same key from the cache as computed afresh', () => {
    const values: ByValue[] = [
      ['v', 'bot'],
      ['v', 'api.example.com'],
    ];
    const first = limitKey(scope, scopeId, values);
    expect(first).toBe(direct(values));
    expect(limitKey(scope, scopeId, values)).toBe(first);
  });

  it('keeps values apart that would join to the same text', () => {
    const a = limitKey(scope, scopeId, [
      ['v', 'ab'],
      ['v', 'c'],
    ]);
    const b = limitKey(scope, scopeId, [
      ['v', 'a'],
      ['v', 'bc'],
    ]);
    const c = limitKey(scope, scopeId, [['v', '1:a'], ['-']]);
    const d = limitKey(scope, scopeId, [['v', '1:a-'], ['-']]);
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  it('tells an absent value from an empty string and from null', () => {
    const absent = limitKey(scope, scopeId, [['-']]);
    const empty = limitKey(scope, scopeId, [['v', '']]);
    const nul = limitKey(scope, scopeId, [['v', null]]);
    expect(new Set([absent, empty, nul]).size).toBe(3);
    expect(nul).toBe(direct([['v', null]]));
  });

  it('keys the same values of two limits differently', () => {
    const other = canonicalJson(['name:reads', 'count', null, ['agent_id', 'params.host']]);
    const values: ByValue[] = [['v', 'bot'], ['-']];
    expect(limitKey(other, scopeIdOf(other), values)).not.toBe(limitKey(scope, scopeId, values));
  });

  it('has no key, cached or not, for a value without canonical JSON', () => {
    expect(limitKey(scope, scopeId, [['v', 'bot\ud800']])).toBeNull();
    expect(limitKey(scope, scopeId, [['v', 'bot\ud800']])).toBeNull();
    expect(limitKey(scope, scopeId, [['v', Number.NaN]])).toBeNull();
  });

  it('keeps giving exact keys after the cache has turned over many times', () => {
    for (let i = 0; i < 60_000; i++) limitKey(scope, scopeId, [['v', `agent-${i}-${'x'.repeat(40)}`]]);
    const values: ByValue[] = [['v', 'agent-7-after']];
    expect(limitKey(scope, scopeId, values)).toBe(direct(values));
    expect(limitKey(scope, scopeId, values)).toBe(direct(values));
  });
});

describe('the limit key cache', () => {
  const one = canonicalJson(['name:reads', 'count', null, ['agent_id']]);
  const oneId = scopeIdOf(one);
  const single = (value: ByValue) => hash('sha256', `${one}\n${canonicalJson([value])}`, 'base64url').slice(0, 22);

  it('keys a single by value exactly, from the cache too, and apart from an absent one spelled like it', () => {
    for (const value of ['bot', '-', '', '0:']) {
      expect(limitKey(one, oneId, [['v', value]])).toBe(single(['v', value]));
      expect(limitKey(one, oneId, [['v', value]])).toBe(single(['v', value]));
    }
    expect(limitKey(one, oneId, [['-']])).toBe(single(['-']));
    expect(limitKey(one, oneId, [['-']])).toBe(single(['-']));
    expect(limitKey(one, oneId, [['-']])).not.toBe(limitKey(one, oneId, [['v', '-']]));
  });

  it('stays within its byte budget over many limits and agent-chosen values', () => {
    for (let s = 0; s < 2_000; s++) {
      const scope = canonicalJson([`name:rule-${s}`, 'count', null, ['params.customer']]);
      const id = scopeIdOf(scope);
      for (let i = 0; i < 40; i++) limitKey(scope, id, [['v', `customer-${i}-${'y'.repeat(200)}`]]);
      expect(limitKeyCacheBytes()).toBeLessThanOrEqual(LIMIT_KEY_CACHE_BYTES);
    }
    expect(limitKeyCacheBytes()).toBeGreaterThan(LIMIT_KEY_CACHE_BYTES / 4);
  });
});
