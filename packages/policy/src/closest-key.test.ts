import { describe, expect, it } from 'vitest';
import { closestKey } from './closest-key.js';

describe('closestKey', () => {
  it('suggests the candidate one typo away', () => {
    expect(closestKey('amout_gt', ['amount_gt', 'amount_lt', 'path_contains'])).toBe('amount_gt');
  });

  it('ignores case in what was typed and in the candidates', () => {
    expect(closestKey('TOOL', ['tool', 'op'])).toBe('tool');
    expect(closestKey('json', ['JSON', 'Table'])).toBe('JSON');
  });

  it('suggests a long candidate from a mistyped prefix of it', () => {
    expect(closestKey('pendng', ['allowed', 'denied', 'pending_approval'])).toBe('pending_approval');
  });

  it('suggests nothing when every candidate is far away', () => {
    expect(closestKey('banana', ['tool', 'op', 'match'])).toBeNull();
    expect(closestKey('x', [])).toBeNull();
  });
});
