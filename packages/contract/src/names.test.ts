import { describe, expect, it } from 'vitest';
import { isName } from './names.js';

describe('isName', () => {
  it.each(['bot', 'marketing-prod', 'stripe.refund', 'a b', 'агент', '🤖 bot'])('accepts %j', (name) => {
    expect(isName(name)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['a NUL', 'bot\u0000'],
    ['an escape sequence', 'bot\u001b[31m'],
    ['a newline', 'bot\nprod'],
    ['DEL', 'bot\u007f'],
    ['a C1 control', 'bot\u0085'],
    ['a lone surrogate', 'bot\ud800'],
    ['257 characters', 'x'.repeat(257)],
    ['not a string', 42],
  ])('refuses %s', (_label, name) => {
    expect(isName(name)).toBe(false);
  });
});
