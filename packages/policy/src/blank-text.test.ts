import { describe, expect, it } from 'vitest';
import { characterCount, isBlankText } from './blank-text.js';

describe('isBlankText', () => {
  it.each([
    ['empty', ''],
    ['spaces, tabs and line breaks', ' \t\r\n'],
    ['zero-width spaces', '\u200b\u200b'],
    ['a word joiner', '\u2060'],
    ['a byte order mark', '\ufeff'],
    ['bidi marks, overrides and isolates', '\u200e\u200f\u202a\u202e\u2066\u2069'],
    ['other format characters (soft hyphen, Arabic letter mark, Mongolian vowel separator)', '\u00ad\u061c\u180e'],
    ['tag characters', '\u{e0041}\u{e0042}'],
    ['non-ASCII spaces (no-break, ideographic, line separator)', '\u00a0\u3000\u2028'],
    ['Hangul fillers and variation selectors', '\u3164\u115f\ufe0f'],
    ['the Braille blank', '\u2800'],
    ['a lone surrogate', '\ud800'],
    ['invisible characters mixed with whitespace', ' \u200b \u2060\n\ufeff '],
  ])('takes %s for blank', (_name, text) => {
    expect(isBlankText(text)).toBe(true);
  });

  it.each([
    ['a word', 'outage'],
    ['a word wrapped in invisible characters', '\u200boutage\u200b'],
    ['one digit', '1'],
    ['a right-to-left script', 'שלום'],
    ['an emoji', '🔥'],
  ])('takes %s for an answer', (_name, text) => {
    expect(isBlankText(text)).toBe(false);
  });
});

describe('characterCount', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(characterCount('abc')).toBe(3);
    expect(characterCount('😀😀')).toBe(2);
    expect('😀😀'.length).toBe(4);
  });
});
