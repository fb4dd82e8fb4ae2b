import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/config.js';
import { RedactionKey, redactionDigest, redactionKeyId } from './redaction-key.js';

const SECRET = 'k'.repeat(40);

describe('the redaction key id', () => {
  it('is 16 hex digits, the same for the same key, and never shows the key', () => {
    const id = new RedactionKey(SECRET).id;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new RedactionKey(SECRET).id).toBe(id);
    expect(redactionKeyId(SECRET)).toBe(id);
    expect(JSON.stringify({ key: new RedactionKey(SECRET) })).not.toContain(id);
    expect(id).not.toContain(SECRET.slice(0, 8));
  });

  it('differs for keys that differ only in case or surrounding whitespace, as their digests do', () => {
    const variants = [SECRET, SECRET.toUpperCase(), `${SECRET} `, ` ${SECRET}`, `${SECRET}\n`, `${SECRET}\r\n`];
    expect(new Set(variants.map((key) => new RedactionKey(key).id)).size).toBe(variants.length);
    expect(new Set(variants.map((key) => redactionDigest(key, 'v'))).size).toBe(variants.length);
  });

  it('is made for an absurdly long key, and differs from the id of its first 32 characters', () => {
    const long = 'q'.repeat(4 * 1024 * 1024);
    const key = new RedactionKey(long);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(key.id).not.toBe(new RedactionKey(long.slice(0, 32)).id);
    expect(key.digest('v')).toBe(redactionDigest(long, 'v'));
  });

  it('is no digest of any value (its HMAC input is no canonical JSON)', () => {
    const key = new RedactionKey(SECRET);
    for (const value of ['faramesh-redaction-key-id', 'faramesh', null, 0, {}]) {
      expect(key.digest(value)).not.toContain(key.id);
    }
  });
});

describe('FARAMESH_REDACTION_KEY in the configuration', () => {
  const config = (env: Record<string, string>) => resolveConfig({ port: 0 }, env, {}, '/tmp');

  it('is no key when empty, so nothing is digested and no id is compared', () => {
    expect(config({ FARAMESH_REDACTION_KEY: '' }).redactionKey).toBeNull();
    expect(config({ FARAMESH_REDACTION_KEY: SECRET }).redactionKey?.id).toBe(redactionKeyId(SECRET));
  });

  it('refuses a rotation without a key, or one that names no key id', () => {
    expect(() => config({ FARAMESH_REDACTION_KEY_ROTATE: '0123456789abcdef' })).toThrow(
      /FARAMESH_REDACTION_KEY_ROTATE needs FARAMESH_REDACTION_KEY/,
    );
    expect(() => config({ FARAMESH_REDACTION_KEY: SECRET, FARAMESH_REDACTION_KEY_ROTATE: '1' })).toThrow(
      /FARAMESH_REDACTION_KEY_ROTATE must be the redaction key id being replaced/,
    );
  });
});
