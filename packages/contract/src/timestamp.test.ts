import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './timestamp.js';

describe('parseTimestamp', () => {
  it.each([
    ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T12:00:00.1234567Z', '2024-05-01T12:00:00.123Z'],
    ['2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T00:30:00-01:00', '2024-05-01T01:30:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseTimestamp(text)).toBe(iso);
  });

  it.each([
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['an offset that leaves year 0001', '0001-01-01T00:00:00+01:00'],
    ['an offset that passes year 9999', '9999-12-31T23:30:00-01:00'],
    ['an expanded year', '+275760-09-13T00:00:00Z'],
    ['February 30', '2016-02-30T00:00:00Z'],
    ['February 29 of a common year', '2100-02-29T00:00:00Z'],
    ['month 13', '2016-13-01T00:00:00Z'],
    ['hour 24', '2016-01-01T24:00:00Z'],
    ['minute 60', '2016-01-01T00:60:00Z'],
    ['an offset of 24 hours', '2016-01-01T00:00:00+24:00'],
    ['an offset without a colon', '2016-01-01T00:00:00+0200'],
    ['no offset', '2016-01-01T00:00:00'],
    ['a date alone', '2016-01-01'],
    ['a lowercase t', '2016-01-01t00:00:00Z'],
    ['a space for T', '2016-01-01 00:00:00Z'],
    ['ten fraction digits', '2016-01-01T00:00:00.1234567890Z'],
    ['a trailing newline', '2016-01-01T00:00:00Z\n'],
    ['epoch milliseconds', '1700000000000'],
  ])('refuses %s', (_label, text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it('agrees with Date for every instant it prints', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        (date) => {
          expect(parseTimestamp(date.toISOString())).toBe(date.toISOString());
        },
      ),
      { numRuns: 500 },
    );
  });
});
