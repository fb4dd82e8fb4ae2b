import { parseTimestamp } from '@faramesh/contract';

/** Units of a relative cutoff: `90d` is ninety days before now. */
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The cutoff of an archive from `before`: an age (`90d`, `12h`, `2w`: a whole number and one unit)
 * counted back from `now`, or an ISO 8601 date-time. Only events created before it are archived.
 * Returns a one-line problem for anything else, or a cutoff in the future (which would archive
 * actions still being decided).
 */
export function resolveCutoff(before: string, now: Date): { before: string } | { problem: string } {
  const text = before.trim();
  const age = /^(\d{1,7})([smhdw])$/.exec(text);
  if (age !== null) {
    const ms = Number(age[1]) * (UNIT_MS[age[2] ?? ''] ?? Number.NaN);
    const at = now.getTime() - ms;
    if (!Number.isFinite(at) || at < Date.parse('1970-01-01T00:00:00Z')) {
      return { problem: `before: ${JSON.stringify(before)} reaches back before 1970` };
    }
    return { before: new Date(at).toISOString() };
  }
  // A date, or a date-time down to the minute, completed to the RFC 3339 form the API's timestamps
  // take; parseTimestamp refuses what doesn't exist (`2026-02-30`, `24:00`), which Date.parse
  // would roll over to days past what was typed.
  const parts = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(text);
  if (parts === null) {
    return {
      problem: `before: ${JSON.stringify(before)} is neither an age (90d, 12h, 2w) nor an ISO 8601 date-time (2026-01-01T00:00:00Z)`,
    };
  }
  const [, date, minute = '00:00', second = ':00', zone = 'Z'] = parts;
  const at = parseTimestamp(`${date}T${minute}${second}${zone}`);
  if (at === null) return { problem: `before: ${JSON.stringify(before)} is not a valid date-time` };
  if (Date.parse(at) > now.getTime()) return { problem: `before: ${JSON.stringify(before)} is in the future` };
  return { before: at };
}
