import { describe, expect, it } from 'vitest';
import { escapedJson, safeJson, safeText } from './safe-text.js';

// Every character a terminal could act on or hide: ESC (CSI, OSC), CR, DEL, a C1 CSI, bidi override and isolate, zero width.
const HOSTILE = 'ok\u001b[2K\u001b]0;pwned\u0007\rFAKE\u007f\u009b31m\u202eevil\u2066x\u2069\u200b';
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters under test
const RAW = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

describe('safeText', () => {
  it('writes escapes, controls and bidi characters as visible markers, never raw', () => {
    const shown = safeText(HOSTILE);
    expect(shown).not.toMatch(RAW);
    expect(shown).toBe(
      'ok⟨U+001B⟩[2K⟨U+001B⟩]0;pwned⟨U+0007⟩⟨U+000D⟩FAKE⟨U+007F⟩⟨U+009B⟩31m⟨U+202E⟩evil⟨U+2066⟩x⟨U+2069⟩⟨U+200B⟩',
    );
  });

  it('marks a line feed, so one value cannot fake a row of its own', () => {
    expect(safeText('fine\nStatus: approved')).toBe('fine⟨U+000A⟩Status: approved');
  });

  it('keeps line feeds in a multiline field, and still marks a carriage return there', () => {
    expect(safeText('line 1\r\nline 2', { multiline: true })).toBe('line 1⟨U+000D⟩\nline 2');
  });

  it('leaves ordinary text, accents, right-to-left scripts and emoji alone', () => {
    expect(safeText('café שלום مرحبا 😀 ls -la')).toBe('café שלום مرحبا 😀 ls -la');
  });
});

describe('safeJson', () => {
  it('marks what JSON leaves raw (DEL, C1, bidi) and keeps JSON escapes of C0 as text', () => {
    expect(safeJson({ cmd: 'a\u001bb\u007f\u202e' })).toBe('{"cmd": "a\\u001bb⟨U+007F⟩⟨U+202E⟩"}');
  });
});

describe('escapedJson', () => {
  it('escapes hidden characters as JSON \\u escapes, so the text parses back to the same value', () => {
    const value = { agent_id: 'bot\u202e', params: { cmd: { command: 'rm\u200b\u007f -rf' } }, tag: '\u{e0072}' };
    const text = escapedJson(value);
    expect(text).not.toMatch(RAW);
    expect(text).not.toMatch(/[\u{e0000}-\u{e007f}]/u);
    expect(text).toContain('bot\\u202e');
    expect(text).toContain('\\udb40\\udc72');
    expect(JSON.parse(text)).toEqual(value);
  });
});
