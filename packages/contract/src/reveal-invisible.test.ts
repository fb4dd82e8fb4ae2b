import { describe, expect, it } from 'vitest';
import { countInvisible, revealAsText, revealInvisible } from './reveal-invisible.js';

describe('revealInvisible', () => {
  it('turns a right-to-left override into a marker instead of letting it reorder text', () => {
    expect(revealInvisible('invoice\u202Efdp.exe')).toEqual([
      { kind: 'text', text: 'invoice' },
      { kind: 'hidden', codePoint: 0x202e },
      { kind: 'text', text: 'fdp.exe' },
    ]);
  });

  it('marks zero-width, BOM, soft hyphen, bidi isolates and non-ASCII spaces', () => {
    for (const cp of [0x200b, 0x200d, 0xfeff, 0xad, 0x2066, 0x2069, 0xa0, 0x3000, 0x061c]) {
      expect(countInvisible(`a${String.fromCodePoint(cp)}b`)).toBe(1);
    }
  });

  it('marks Unicode tag characters used to smuggle hidden ASCII', () => {
    const smuggled = `ok${String.fromCodePoint(0xe0072, 0xe006d)}`;
    expect(revealInvisible(smuggled).filter((p) => p.kind === 'hidden')).toHaveLength(2);
  });

  it('marks control characters, including C1 controls and escape', () => {
    expect(countInvisible('a\u0000b\u001bc\u0085d')).toBe(3);
  });

  it('marks a lone surrogate but keeps a valid astral character', () => {
    expect(countInvisible('\uD800x')).toBe(1);
    expect(revealInvisible('ok 😀')).toEqual([{ kind: 'text', text: 'ok 😀' }]);
  });

  it('keeps newlines only when asked to', () => {
    expect(countInvisible('a\nb')).toBe(1);
    expect(revealInvisible('a\nb', { allowNewlines: true })).toEqual([{ kind: 'text', text: 'a\nb' }]);
  });

  it('leaves ordinary text, accents and right-to-left scripts alone', () => {
    expect(countInvisible('café שלום مرحبا ❤️')).toBe(0);
  });
});

describe('revealAsText', () => {
  it('spells every hidden character as its marker in plain text', () => {
    expect(revealAsText('rm\u200b -rf /\u001b[2J')).toBe('rm⟨U+200B⟩ -rf /⟨U+001B⟩[2J');
    expect(revealAsText('plain text')).toBe('plain text');
  });

  it('keeps line feeds when asked to, and still marks a carriage return', () => {
    expect(revealAsText('a\r\nb', { allowNewlines: true })).toBe('a⟨U+000D⟩\nb');
    expect(revealAsText('a\nb')).toBe('a⟨U+000A⟩b');
  });
});
