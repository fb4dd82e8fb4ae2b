import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PATH_CHARS, normalizeLexically, readPath } from './path-normalize.js';

const segment = fc.constantFrom('a', 'b', 'secret', '.', '..', '', 'x.txt', '...', '.hidden');

describe('normalizeLexically', () => {
  it('agrees with path.posix.resolve on absolute paths', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), fc.boolean(), (segments, trailing) => {
        const path = `/${segments.join('/')}${trailing ? '/' : ''}`;
        expect(normalizeLexically(path)).toBe(posix.resolve(path));
      }),
    );
  });

  it('agrees with path.posix.normalize on relative paths, without the trailing slash', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 12 }), (segments) => {
        const path = segments.join('/');
        fc.pre(!path.startsWith('/'));
        const expected = posix.normalize(path).replace(/(.)\/$/, '$1');
        expect(normalizeLexically(path)).toBe(expected);
      }),
    );
  });

  it('never leaves a . or .. segment in an absolute path', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), (segments) => {
        const parts = normalizeLexically(`/${segments.join('/')}`)
          .split('/')
          .slice(1);
        expect(parts.filter((p) => p === '.' || p === '..')).toEqual([]);
      }),
    );
  });
});

describe('readPath', () => {
  it('reads a path longer than the cap as unreadable', () => {
    expect(readPath(`/${'a'.repeat(MAX_PATH_CHARS)}`)).toEqual({ ok: false, why: 'longer than 4096 characters' });
  });

  it('reads a path at the cap', () => {
    const path = `/${'a'.repeat(MAX_PATH_CHARS - 1)}`;
    expect(readPath(path)).toEqual({ ok: true, readings: [path] });
  });

  it('decodes every stage of a triple encoding and refuses a fourth', () => {
    expect(readPath('/a/%25252e%25252e/b')).toEqual({
      ok: true,
      readings: ['/a/%25252e%25252e/b', '/a/%252e%252e/b', '/a/%2e%2e/b', '/b'],
    });
    expect(readPath('/a/%2525252e')).toEqual({ ok: false, why: 'percent-encoded more than 3 times' });
  });

  it('reads a scheme that is not special both as sent and as a URL', () => {
    expect(readPath('notes:v2.txt')).toEqual({ ok: true, readings: ['notes:v2.txt', 'v2.txt'] });
  });

  it('reads an https URL as its pathname only', () => {
    expect(readPath('https://h.example/a/../b/?q=/etc')).toEqual({ ok: true, readings: ['/b'] });
  });

  it('never yields a dot segment, whatever the encoding', () => {
    const piece = fc.constantFrom('a', '.', '..', '%2e', '%2E', '%252e', '%2f', '%5c', '\\', '/', '%c0%ae', '%00');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const read = readPath(`/${pieces.join('')}`);
        if (!read.ok) return;
        for (const reading of read.readings.filter((r) => r !== '/')) {
          expect(reading.split('/').slice(1)).not.toContainEqual(expect.stringMatching(/^(\.\.?)?$/));
        }
      }),
    );
  });
});
