/**
 * The timestamps the API accepts in queries (`since`, `until`): RFC 3339 with a `T`, seconds, an
 * optional fraction and `Z` or a `±HH:MM` offset, e.g. `2024-05-01T12:00:00Z`. Stricter than RFC 3339
 * where JavaScript's Date can't follow: no leap seconds (`:60`), and the instant must fall within
 * years 0001–9999 in UTC, so that it prints as the same fixed-width ISO text as `created_at` (which
 * the stores compare as text).
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const EARLIEST = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
const LATEST = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/** Describes the accepted form in error messages. */
export const TIMESTAMP_FORMAT_HINT =
  'an RFC 3339 timestamp such as 2024-05-01T12:00:00Z (or with an offset, +02:00), years 0001-9999, no leap seconds';

/** The instant as ISO 8601 UTC with milliseconds, or null when `text` is not an accepted timestamp. */
export function parseTimestamp(text: string): string | null {
  const match = RFC3339.exec(text);
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (match[8] !== undefined) {
    const offsetHours = Number(match[9]);
    const offsetRest = Number(match[10]);
    if (offsetHours > 23 || offsetRest > 59) return null;
    offsetMinutes = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  // Date.UTC maps years 0-99 onto 1900-1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const instant = date.getTime() - offsetMinutes * 60_000;
  if (!(instant >= EARLIEST && instant <= LATEST)) return null;
  return new Date(instant).toISOString();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
