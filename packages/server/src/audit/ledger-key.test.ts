import { describe, expect, it } from 'vitest';
import { checkSignature, makeCheckpoint } from './checkpoint-signature.js';
import { generateLedgerKey, LedgerKeyError, parseSigningKey, parseVerifyKey } from './ledger-key.js';

describe('ledger keys and checkpoint signatures', () => {
  it('signs a checkpoint that the public key alone verifies', () => {
    const pair = generateLedgerKey();
    const signer = parseSigningKey(pair.secret);
    const verifier = parseVerifyKey(pair.public);
    expect(verifier.keyId).toBe(signer.keyId);
    expect(pair.keyId).toMatch(/^[0-9a-f]{16}$/);
    const checkpoint = makeCheckpoint({ seq: 7, hash: 'a'.repeat(64) }, '2030-01-01T00:00:00.000Z', signer);
    expect(checkpoint.key_id).toBe(pair.keyId);
    expect(checkSignature(checkpoint, verifier)).toBe('valid');
    expect(checkSignature(checkpoint, parseVerifyKey(pair.secret))).toBe('valid');
    expect('sign' in verifier).toBe(false);
  });

  it('finds any edited field forged, and says when it cannot judge', () => {
    const signer = parseSigningKey(generateLedgerKey().secret);
    const checkpoint = makeCheckpoint({ seq: 7, hash: 'a'.repeat(64) }, '2030-01-01T00:00:00.000Z', signer);
    for (const edit of [
      { seq: 8 },
      { hash: 'b'.repeat(64) },
      { at: '2031-01-01T00:00:00.000Z' },
      { signature: 'A'.repeat(86) },
    ]) {
      expect(checkSignature({ ...checkpoint, ...edit }, signer)).toBe('forged');
    }
    expect(checkSignature({ ...checkpoint, signature: 'not base64!' }, signer)).toBe('forged');
    expect(checkSignature(checkpoint, parseVerifyKey(generateLedgerKey().public))).toBe('unverified');
    expect(checkSignature(checkpoint, null)).toBe('unverified');
    expect(checkSignature(makeCheckpoint({ seq: 1, hash: 'c'.repeat(64) }, 'now', null), signer)).toBe('unsigned');
  });

  it('refuses keys without their prefix or of the wrong length', () => {
    const { secret, public: pub } = generateLedgerKey();
    expect(() => parseSigningKey(pub)).toThrow(LedgerKeyError);
    expect(() => parseSigningKey(secret.slice(0, -4))).toThrow(/32 bytes/);
    expect(() => parseVerifyKey('c2VjcmV0')).toThrow(/starts with/);
    expect(() => parseVerifyKey('ed25519-public:***')).toThrow(/32 bytes/);
  });
});
