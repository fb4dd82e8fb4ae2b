import { describe, expect, it } from 'vitest';
import { packHash, packUuid, unpackHash, unpackUuid } from './compact-ids.js';

describe('ids and hashes as bytes', () => {
  it('stores a lowercase UUID as 16 bytes and reads the same text back', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const packed = packUuid(id);
    expect(Buffer.isBuffer(packed) && packed.length).toBe(16);
    expect(unpackUuid(packed)).toBe(id);
  });

  it('keeps any other id as text, so it reads back exactly as written', () => {
    for (const id of ['0F8FAD5B-D9CB-469F-A165-70867728950E', 'evt-1', '0f8fad5bd9cb469fa16570867728950e', '']) {
      expect(packUuid(id)).toBe(id);
      expect(unpackUuid(packUuid(id))).toBe(id);
    }
  });

  it('keeps as text a UUID-shaped id with any one character out of place', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    for (let at = 0; at < id.length; at++) {
      for (const bad of ['g', 'A', '-', '_', '\u00e9', '\u0130']) {
        if (id[at] === bad) continue;
        const edited = `${id.slice(0, at)}${bad}${id.slice(at + 1)}`;
        expect(packUuid(edited)).toBe(edited);
      }
    }
  });

  it('keeps as text a digest-long text with any one character that is not lowercase hex', () => {
    const hash = '0123456789abcdef'.repeat(4);
    for (let at = 0; at < hash.length; at++) {
      for (const bad of ['g', 'F', '-', '/', ':', '`']) {
        const edited = `${hash.slice(0, at)}${bad}${hash.slice(at + 1)}`;
        expect(packHash(edited)).toBe(edited);
      }
    }
    expect(unpackHash(packHash(hash))).toBe(hash);
  });

  it('stores a lowercase SHA-256 hex digest as 32 bytes, anything else as text', () => {
    const hash = 'ab'.repeat(32);
    expect(Buffer.isBuffer(packHash(hash)) && (packHash(hash) as Buffer).length).toBe(32);
    expect(unpackHash(packHash(hash))).toBe(hash);
    for (const text of ['AB'.repeat(32), 'e'.repeat(63), 'not a hash']) expect(unpackHash(packHash(text))).toBe(text);
  });

  it('reads bytes of an unexpected length (only an edit makes them) as hex, which matches no id', () => {
    expect(unpackUuid(Buffer.from('abcd', 'hex'))).toBe('abcd');
  });
});
