import { describe, expect, it } from 'vitest';
import { resolveCutoff } from './archive-cutoff.js';

const now = new Date('2030-04-01T12:00:00.000Z');

describe('archive cutoff', () => {
  it('counts an age back from now', () => {
    expect(resolveCutoff('90d', now)).toEqual({ before: '2030-01-01T12:00:00.000Z' });
    expect(resolveCutoff('12h', now)).toEqual({ before: '2030-04-01T00:00:00.000Z' });
    expect(resolveCutoff('2w', now)).toEqual({ before: '2030-03-18T12:00:00.000Z' });
  });

  it('takes an ISO date-time or date, with its zone', () => {
    expect(resolveCutoff('2030-01-01T00:00:00+02:00', now)).toEqual({ before: '2029-12-31T22:00:00.000Z' });
    expect(resolveCutoff('2030-01-01', now)).toEqual({ before: '2030-01-01T00:00:00.000Z' });
    expect(resolveCutoff('2028-02-29T23:59:59Z', now)).toEqual({ before: '2028-02-29T23:59:59.000Z' });
  });

  it('refuses anything else, a time without a zone, and the future', () => {
    for (const text of [
      '',
      '90',
      'd',
      '-5d',
      '90 days',
      'yesterday',
      '2030-01-01T00:00:00',
      '2030-13-40',
      '2031-01-01',
      '2030-02-30',
      '2029-02-29',
      '2030-03-01T24:00:00Z',
      '2030-03-01T10:60:00Z',
    ]) {
      expect(resolveCutoff(text, now), text).toHaveProperty('problem');
    }
    expect(resolveCutoff('9999999d', now)).toHaveProperty('problem', expect.stringContaining('1970'));
  });
});
