import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalObject } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":1,"z":0}]},"b":1}',
    );
  });

  it('gives equal text for equal values built in different orders', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('drops undefined members and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });

  it('rejects non-finite numbers instead of writing null', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('rejects lone surrogates in strings and keys, which no store keeps as sent', () => {
    expect(() => canonicalJson({ agent_id: 'bot\ud800' })).toThrow(TypeError);
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow(TypeError);
    expect(canonicalJson('\ud83d\ude00')).toBe(JSON.stringify('\ud83d\ude00'));
  });

  it('escapes strings exactly as JSON.stringify does', () => {
    expect(canonicalJson('a"b\n\u2028')).toBe(JSON.stringify('a"b\n\u2028'));
  });
});

describe('canonicalJson against a reference implementation', () => {
  // The straightforward form this module's faster one must keep matching byte for byte.
  const reference = (value: unknown): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value))
      return `[${value.map((item) => (item === undefined ? 'null' : reference(item))).join(',')}]`;
    const record = value as Record<string, unknown>;
    const parts = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`);
    return `{${parts.join(',')}}`;
  };

  it('produces the same text for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts each object by its own keys when shapes share a first key and key count', () => {
    // The sorted-key memo is slotted by first key and count: these collide and must not mix up.
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.string({ maxLength: 4 }), { minLength: 2, maxLength: 5 }), { minLength: 2 }),
        (shapes) => {
          for (const keys of [...shapes, ...shapes]) {
            const value = Object.fromEntries(['m', ...keys.filter((k) => k !== 'm')].map((k, i) => [k, i]));
            expect(canonicalJson(value)).toBe(reference(value));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('writes any string as JSON.stringify does, and refuses the ones with lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        if ((text as string & { isWellFormed(): boolean }).isWellFormed()) {
          expect(canonicalJson(text)).toBe(JSON.stringify(text));
        } else {
          expect(() => canonicalJson(text)).toThrow(TypeError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('sorts keys that arrive partly in order', () => {
    expect(canonicalJson({ a: 1, b: 2, d: 4, c: 3 })).toBe('{"a":1,"b":2,"c":3,"d":4}');
  });
});

describe('canonicalObject', () => {
  it('writes the members it is given the text of as that text, the rest as canonicalJson does', () => {
    const record = { b: { y: 1, x: 2 }, a: 'one', c: null, d: undefined };
    expect(canonicalObject(record, (key) => (key === 'b' ? '{"x":2,"y":1}' : undefined))).toBe(canonicalJson(record));
    expect(canonicalObject(record, (key) => (key === 'b' ? '"given"' : undefined))).toBe(
      '{"a":"one","b":"given","c":null}',
    );
  });

  it('never asks for the text of an undefined member, which is dropped', () => {
    const asked: string[] = [];
    canonicalObject({ z: 1, a: undefined }, (key) => {
      asked.push(key);
      return undefined;
    });
    expect(asked).toEqual(['z']);
  });
});
