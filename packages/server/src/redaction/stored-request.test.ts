import { loadPolicy } from '@faramesh/policy';
import type { ActionRecord } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { assertRequestBinding } from '../service/request-binding.js';
import { requestHash } from '../service/request-hash.js';
import { sampleAction } from '../testing/sample-action.js';
import { RedactionKey, redactionDigest, resolveRedactionKey } from './redaction-key.js';
import { storedRequest } from './stored-request.js';

const SECRET = 'k'.repeat(40);
const loaded = loadPolicy(
  'redact: [params.api_key]\nrules:\n  - match: { tool: http }\n    require_approval: true\n',
  'p.yaml',
);
if (!loaded.ok) throw new Error('test policy invalid');
const policy = loaded.policy;
const verdict = { matched_rule: { index: 0, description: null } } as Parameters<typeof storedRequest>[2];
const request = { agent_id: 'a', tool: 'http', operation: 'post', params: { api_key: 'sk-1', n: 1 }, context: {} };

describe('storedRequest', () => {
  it('digests the redact paths with the key and hashes the stored form separately', () => {
    const stored = storedRequest(request, policy, verdict, new RedactionKey(SECRET));
    expect(stored.request.params).toEqual({ api_key: redactionDigest(SECRET, 'sk-1'), n: 1 });
    expect(stored.redacted).toEqual(['params.api_key']);
    expect(stored.keyId).toBe(new RedactionKey(SECRET).id);
    expect(stored.storedHash).toBe(requestHash(stored.request));
    expect(stored.storedHash).not.toBe(requestHash(request));
    expect(request.params.api_key).toBe('sk-1');
  });

  it('refuses to store anything when the policy redacts and no key is configured', () => {
    expect(() => storedRequest(request, policy, verdict, null)).toThrow(ApiError);
  });

  it('stores the request as sent when no redact path holds a value', () => {
    const plain = { ...request, params: { other: 1 } };
    expect(storedRequest(plain, policy, verdict, new RedactionKey(SECRET))).toEqual({
      request: plain,
      redacted: [],
      keyId: null,
      storedHash: null,
    });
  });
});

describe('redaction digests', () => {
  it('are HMAC-SHA256 of the canonical JSON, equal for equal values, different per key and type', () => {
    const digest = redactionDigest(SECRET, 'abc');
    expect(digest).toMatch(/^\[redacted:hmac-sha256:[0-9a-f]{64}\]$/);
    expect(redactionDigest(SECRET, 'abc')).toBe(digest);
    expect(redactionDigest('x'.repeat(40), 'abc')).not.toBe(digest);
    expect(redactionDigest(SECRET, 5)).not.toBe(redactionDigest(SECRET, '5'));
    expect(redactionDigest(SECRET, { b: 1, a: 2 })).toBe(redactionDigest(SECRET, { a: 2, b: 1 }));
  });

  it('never shows the key when printed', () => {
    const key = new RedactionKey(SECRET);
    expect(JSON.stringify({ key })).not.toContain(SECRET);
  });

  it('refuse a key shorter than 32 characters', () => {
    const problems: string[] = [];
    expect(resolveRedactionKey('short', problems)).toBeNull();
    expect(problems).toEqual([expect.stringContaining('at least 32 characters')]);
    expect(resolveRedactionKey(undefined, problems)).toBeNull();
  });
});

describe('request binding of a redacted action', () => {
  const key = new RedactionKey(SECRET);
  const stored = storedRequest(request, policy, verdict, key);
  const record = (overrides: Partial<ActionRecord> = {}): ActionRecord => ({
    ...sampleAction({ ...stored.request, request_hash: requestHash(request), status: 'pending_approval' }),
    approval: {
      requirement: {},
      decisions: [],
      escalations_fired: 0,
      next_escalation_at: null,
      submitter_shared: false,
      stored_request_hash: stored.storedHash as string,
    },
    updated_at: '2030-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  });

  it('holds for the request as stored, presented with the original request_hash', () => {
    expect(() => assertRequestBinding(record(), requestHash(request))).not.toThrow();
    expect(() => assertRequestBinding(record(), undefined)).not.toThrow();
  });

  it('fails when the stored request changed, or the presented hash is another', () => {
    const edited = record({ params: { ...stored.request.params, n: 2 } });
    expect(() => assertRequestBinding(edited, undefined)).toThrow(/not for this exact request/);
    expect(() => assertRequestBinding(record(), 'f'.repeat(64))).toThrow(/not for this exact request/);
    const withoutStoredHash = record({ approval: { ...(record().approval as NonNullable<ActionRecord['approval']>) } });
    delete withoutStoredHash.approval?.stored_request_hash;
    expect(() => assertRequestBinding(withoutStoredHash, undefined)).toThrow(/not for this exact request/);
  });
});
