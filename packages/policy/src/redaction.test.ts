import { describe, expect, it } from 'vitest';
import { loadPolicy } from './load-policy.js';
import { pathsOverlap, redactionChange, redactRequest } from './redaction.js';

const digest = (value: unknown) => `<${JSON.stringify(value)}>`;

describe('redactRequest', () => {
  it('replaces the value at each path by its digest and says which paths held one', () => {
    const out = redactRequest(
      { params: { api_key: 'sk-1', amount: 5 }, context: { authorization: 'Bearer x', trace: 't' } },
      ['params.api_key', 'context.authorization'],
      digest,
    );
    expect(out).toEqual({
      params: { api_key: '<"sk-1">', amount: 5 },
      context: { authorization: '<"Bearer x">', trace: 't' },
      redacted: ['params.api_key', 'context.authorization'],
    });
  });

  it('redacts nested values, whole objects and values of any type', () => {
    const out = redactRequest(
      { params: { auth: { token: 'a', scheme: 'b' }, retries: 3, secret: { k: [1, 2] } }, context: {} },
      ['params.auth.token', 'params.retries', 'params.secret'],
      digest,
    );
    expect(out.params).toEqual({ auth: { token: '<"a">', scheme: 'b' }, retries: '<3>', secret: '<{"k":[1,2]}>' });
  });

  it('applies a path to every element of a list it meets', () => {
    const out = redactRequest(
      { params: { headers: [{ cookie: 'c1' }, { other: 1 }, { cookie: 'c2' }] }, context: {} },
      ['params.headers.cookie'],
      digest,
    );
    expect(out.params).toEqual({ headers: [{ cookie: '<"c1">' }, { other: 1 }, { cookie: '<"c2">' }] });
  });

  it('redacts nothing for absent keys and never changes its input', () => {
    const params = { nested: { keep: 1 }, list: [1, 2] };
    const out = redactRequest({ params, context: {} }, ['params.missing', 'params.nested.x', 'params.list.y'], digest);
    expect(out).toEqual({ params, context: {}, redacted: [] });
    expect(out.params).toBe(params);
    const changed = redactRequest({ params, context: {} }, ['params.nested.keep'], digest);
    expect(changed.params).toEqual({ nested: { keep: '<1>' }, list: [1, 2] });
    expect(params).toEqual({ nested: { keep: 1 }, list: [1, 2] });
  });

  it('does not follow inherited properties', () => {
    const out = redactRequest({ params: {}, context: {} }, ['params.constructor', 'params.toString'], digest);
    expect(out.redacted).toEqual([]);
  });

  it('redacts null values too: presence, not truthiness, decides', () => {
    const out = redactRequest({ params: { token: null }, context: {} }, ['params.token'], digest);
    expect(out.params).toEqual({ token: '<null>' });
  });
});

describe('redactRequest: keys whatever their case', () => {
  it('redacts Authorization for authorization, and every spelling an object holds', () => {
    const out = redactRequest(
      {
        params: { headers: { Authorization: 'Bearer a', authorization: 'Bearer b', AUTHORIZATION: 'c' }, API_KEY: 'k' },
        context: { Token: 't' },
      },
      ['params.headers.authorization', 'params.api_key', 'context.token'],
      (value) => `#${JSON.stringify(value)}`,
    );
    expect(out.params).toEqual({
      headers: { Authorization: '#"Bearer a"', authorization: '#"Bearer b"', AUTHORIZATION: '#"c"' },
      API_KEY: '#"k"',
    });
    expect(out.context).toEqual({ Token: '#"t"' });
    expect(out.redacted).toEqual(['params.headers.authorization', 'params.api_key', 'context.token']);
  });
});

describe('pathsOverlap', () => {
  it('holds when one path reaches into the other, ignoring case and list indexes', () => {
    expect(pathsOverlap('params.headers', 'params.headers.authorization')).toBe(true);
    expect(pathsOverlap('params.Amount', 'params.amount')).toBe(true);
    expect(pathsOverlap('params.items.sku', 'params.items.0.sku')).toBe(true);
    expect(pathsOverlap('params.api_key', 'params.api_key_id')).toBe(false);
    expect(pathsOverlap('params.a', 'context.a')).toBe(false);
  });
});

describe('redactionChange', () => {
  const policy = (text: string) => {
    const loaded = loadPolicy(text, 'p.yaml');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    return loaded.policy;
  };
  const active = policy(`redact: [params.api_key]
rules:
  - match: { tool: http }
    allow: true
    redact: [context.Authorization]
`);

  it('says which paths a candidate would stop redacting and which it would start, top level or per rule', () => {
    const candidate = policy(`redact: [params.password]
rules:
  - match: { tool: http }
    allow: true
`);
    expect(redactionChange(active, candidate)).toEqual({
      stops: ['params.api_key', 'context.Authorization'],
      starts: ['params.password'],
    });
  });

  it('finds no change when the same paths move between the top level and rules, whatever their case', () => {
    const moved = policy(`redact: [context.authorization]
rules:
  - match: { tool: http }
    allow: true
    redact: [params.API_KEY]
`);
    expect(redactionChange(active, moved)).toEqual({ stops: [], starts: [] });
  });
});
