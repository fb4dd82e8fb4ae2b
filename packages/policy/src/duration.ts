/** The longest duration a policy may name: one year, the bound of `FARAMESH_APPROVAL_TTL`. */
export const MAX_DURATION_MS = 365 * 24 * 3_600_000;

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `30s`, `10m`, `2h`, `1d` (a whole number and one unit, nothing else) into milliseconds.
 * Returns a one-line problem instead when the text is anything else, zero (unless `allowZero`) or
 * longer than a year: a window that can't be read is an error, never a guess.
 */
export function parseDuration(text: string, allowZero = false): { ms: number } | { problem: string } {
  const match = /^(\d{1,9})([smhd])$/.exec(text);
  if (match === null) {
    const hint = /^-/.test(text.trim()) ? 'durations are never negative' : 'write a whole number and a unit';
    return { problem: `${JSON.stringify(text)} is not a duration; ${hint}: 30s, 10m, 2h or 1d` };
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  if (ms === 0 && !allowZero)
    return { problem: `${JSON.stringify(text)} is zero; a duration must be longer than that` };
  if (ms > MAX_DURATION_MS) return { problem: `${JSON.stringify(text)} is longer than the maximum of 365d` };
  return { ms };
}

/** Renders milliseconds in the largest unit that divides them exactly: 600000 → `10m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
