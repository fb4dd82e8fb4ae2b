import type { EventRecord, GrantRecord } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { LiveGrantCache } from './live-grant-cache.js';

const grant = (id: string, scopeBytes = 10): GrantRecord => ({
  id,
  action_id: 'a1',
  tool: 'shell',
  operation: 'run',
  scope: { tool: 'shell', operation: 'run', note: 'x'.repeat(scopeBytes) },
  high_risk: false,
  creators: [{ name: 'alice', groups: [] }],
  created_at: '2030-01-01T00:00:00.000Z',
  expires_at: '2030-01-01T02:00:00.000Z',
  max_uses: null,
  uses: 0,
  last_used_at: null,
  revoked_at: null,
  revoked_by: null,
  revoke_reason: null,
  expiry_recorded_at: null,
});
const cached = (id: string, scopeBytes?: number) => ({ grant: grant(id, scopeBytes), terms: null });
const event = (event_type: string) => ({ event_type }) as EventRecord;

describe('LiveGrantCache', () => {
  it('answers from what was read until the TTL runs out', () => {
    const cache = new LiveGrantCache(1000);
    cache.set('shell', 'run', [cached('g1')], 5000, cache.generation);
    expect(cache.get('shell', 'run', 5999)?.map((c) => c.grant.id)).toEqual(['g1']);
    expect(cache.get('shell', 'run', 6000)).toBeUndefined();
    expect(cache.get('shell', 'exec', 5001)).toBeUndefined();
  });

  it('does not trust an entry when the clock went back', () => {
    const cache = new LiveGrantCache(1000);
    cache.set('shell', 'run', [], 5000, cache.generation);
    expect(cache.get('shell', 'run', 4999)).toBeUndefined();
  });

  it('empties on any grant change on the ledger, and not on other events', () => {
    const cache = new LiveGrantCache(1000);
    for (const type of ['grant_created', 'grant_revoked', 'grant_expired']) {
      cache.set('shell', 'run', [], 0, cache.generation);
      cache.observe([event('created'), event('grant_used')]);
      expect(cache.get('shell', 'run', 1)).toEqual([]);
      cache.observe([event('decision_made'), event(type)]);
      expect(cache.get('shell', 'run', 1)).toBeUndefined();
    }
  });

  it('drops a read that began before a grant changed', () => {
    const cache = new LiveGrantCache(1000);
    const before = cache.generation;
    cache.observe([event('grant_created')]);
    cache.set('shell', 'run', [], 0, before);
    expect(cache.get('shell', 'run', 1)).toBeUndefined();
  });

  it('forgets one tool and operation whose grant turned out unusable', () => {
    const cache = new LiveGrantCache(1000);
    cache.set('shell', 'run', [cached('g1')], 0, cache.generation);
    cache.set('http', 'get', [], 0, cache.generation);
    cache.forget('shell', 'run');
    expect(cache.get('shell', 'run', 1)).toBeUndefined();
    expect(cache.get('http', 'get', 1)).toEqual([]);
  });

  it('keeps tools and operations that join to the same text apart', () => {
    const cache = new LiveGrantCache(1000);
    cache.set('ab', 'c', [cached('g1')], 0, cache.generation);
    expect(cache.get('a', 'bc', 1)).toBeUndefined();
  });

  it('stays within its byte budget, however many tools callers name', () => {
    const cache = new LiveGrantCache(1000, 64 * 1024);
    for (let i = 0; i < 5000; i++) cache.set(`tool-${i}`, 'run', [cached(`g${i}`, 200)], 0, cache.generation);
    expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(cache.bytes).toBeGreaterThan(0);
    cache.set('huge', 'run', [cached('big', 64 * 1024)], 0, cache.generation);
    expect(cache.get('huge', 'run', 1)).toBeUndefined();
  });
});
