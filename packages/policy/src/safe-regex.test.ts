import { describe, expect, it } from 'vitest';
import { compileSafeRegex } from './safe-regex.js';

function compiled(source: string) {
  const result = compileSafeRegex(source);
  if (!result.ok) throw new Error(result.message);
  return result.regex;
}

describe('compileSafeRegex', () => {
  it('runs literal alternations on the native engine', () => {
    expect(compiled('rm -rf|shutdown|mkfs').engine).toBe('native');
  });

  it('routes nested quantifiers to the linear engine and answers a hostile input promptly', () => {
    const regex = compiled('(a+)+$');
    expect(regex.engine).toBe('linear');
    // 30 chars: V8's backtracking engine would need ~2^30 steps here.
    expect(regex.test(`${'a'.repeat(30)}!`)).toBe(false);
    expect(regex.test('aaa')).toBe(true);
  });

  it('routes unbounded quantifiers to the linear engine (quadratic on long inputs otherwise)', () => {
    expect(compiled('a.*b').engine).toBe('linear');
    expect(compiled('rm\\s+-rf').engine).toBe('linear');
    expect(compiled('(x|y)?z').engine).toBe('linear');
  });

  it('keeps small bounded quantifiers native', () => {
    expect(compiled('\\d{1,3}\\.\\d{1,3}').engine).toBe('native');
  });

  it('rejects invalid syntax as invalid_regex', () => {
    const result = compileSafeRegex('rm (-rf');
    expect(result.ok ? null : result.code).toBe('invalid_regex');
  });

  it('rejects backreferences and lookaround as unsupported_regex', () => {
    for (const source of ['(a)\\1', '(?<=a)b', 'a(?!b)']) {
      const result = compileSafeRegex(source);
      expect(result.ok ? null : result.code).toBe('unsupported_regex');
    }
  });
});
