import { readFileSync } from 'node:fs';
import { canonicalJson } from '@faramesh/canonical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { normalizeRequest } from './new-action.js';
import { canonicalTexts, requestHash } from './request-hash.js';

/** The vectors every implementation must reproduce (python/tests/test_canonical.py reads them too). */
const VECTORS = JSON.parse(
  readFileSync(new URL('../../../../tests/vectors/canonical-json.json', import.meta.url), 'utf8'),
) as {
  values: { name: string; json: string; canonical: string }[];
  requests: { name: string; json: string; canonical: string; request_hash: string }[];
};

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('the canonical form and request hash the server records', () => {
  it.each(VECTORS.values)('writes $name as pinned', ({ json, canonical }) => {
    expect(canonicalJson(JSON.parse(json))).toBe(canonical);
  });

  it.each(VECTORS.requests)('answers a submitted $name with the pinned request_hash', async (vector) => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: { 'content-type': 'application/json' },
      payload: vector.json,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().request_hash).toBe(vector.request_hash);
  });

  it.each(VECTORS.requests)(
    'hashes $name the same from the canonical texts made for its row',
    ({ json, request_hash }) => {
      const request = normalizeRequest(JSON.parse(json));
      const texts = canonicalTexts(request);
      expect(texts).toEqual({ params: canonicalJson(request.params), context: canonicalJson(request.context) });
      expect(requestHash(request, texts)).toBe(request_hash);
      expect(requestHash(request)).toBe(request_hash);
    },
  );
});
