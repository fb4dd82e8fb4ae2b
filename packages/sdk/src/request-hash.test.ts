import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { requestHash } from './request-hash.js';

/** The vectors the server and the Python SDK are pinned to as well. */
const VECTORS = JSON.parse(
  readFileSync(new URL('../../../tests/vectors/canonical-json.json', import.meta.url), 'utf8'),
) as {
  values: { name: string; json: string; canonical: string }[];
  requests: { name: string; json: string; canonical: string; request_hash: string }[];
};

describe('the SDK agrees with the server byte for byte', () => {
  it.each(VECTORS.values)('writes $name as pinned', ({ json, canonical }) => {
    expect(canonicalJson(JSON.parse(json))).toBe(canonical);
  });

  it.each(VECTORS.requests)('hashes $name as pinned', async ({ json, request_hash }) => {
    expect(await requestHash(JSON.parse(json))).toBe(request_hash);
  });

  it('treats omitted params and context as empty objects, as the server does', async () => {
    const bare = { agent_id: 'a', tool: 't', operation: 'o' };
    expect(await requestHash(bare)).toBe(await requestHash({ ...bare, params: {}, context: {} }));
  });
});

describe('canonicalJson sees values as they travel', () => {
  it('applies toJSON and drops undefined members, as JSON.stringify sends them', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(canonicalJson({ b: at, a: undefined, c: [undefined] })).toBe('{"b":"2026-01-02T03:04:05.000Z","c":[null]}');
  });

  it('refuses values with no faithful JSON form instead of comparing them as null', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ s: 'a\ud800' })).toThrow(TypeError);
  });
});
