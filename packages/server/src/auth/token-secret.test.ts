import { describe, expect, it } from 'vitest';
import { isTokenSecret, newTokenSecret, secretDigest, TOKEN_PREFIX } from './token-secret.js';

describe('token secrets', () => {
  it('are fm_, 43 base62 characters of 256 random bits and a 6-character checksum', () => {
    const secret = newTokenSecret();
    expect(secret).toMatch(/^fm_[0-9A-Za-z]{49}$/);
    expect(secret.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(isTokenSecret(secret)).toBe(true);
  });

  it('encode the largest and smallest 256-bit values in full', () => {
    expect(newTokenSecret(Buffer.alloc(32, 0xff)).slice(3, 46)).toBe('yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1');
    expect(newTokenSecret(Buffer.alloc(32, 0)).slice(3, 46)).toBe('0'.repeat(43));
  });

  it('are all different', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => newTokenSecret()));
    expect(seen.size).toBe(1000);
  });

  it('are recognised only with a correct checksum and shape', () => {
    const secret = newTokenSecret(Buffer.alloc(32, 7));
    const body = secret.slice(0, -6);
    const otherChecksum = secret.endsWith('000000') ? '000001' : '000000';
    for (const bad of [`${body}${otherChecksum}`, secret.slice(1), `${secret}x`, `fm-${secret.slice(3)}`, '', 'fm_']) {
      expect(isTokenSecret(bad)).toBe(false);
    }
  });

  it('digest with SHA-256', () => {
    expect(secretDigest('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
