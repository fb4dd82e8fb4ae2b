import { parseTimestamp, TIMESTAMP_FORMAT_HINT } from '@faramesh/contract';
import { parseDuration } from '@faramesh/policy';

/** The longest window a report covers (disagreements older than this are not summarized). */
export const MAX_REPORT_WINDOW_MS = 90 * 86_400_000;

/**
 * The start of a report window from `since`: a duration back from `now` (`24h`, `7d`) or a timestamp
 * as every other query takes one (RFC 3339, `parseTimestamp`). Anything else, a future time or a
 * window longer than 90 days is a problem.
 */
export function reportSince(since: string, now: Date): { since: string } | { problem: string } {
  const duration = parseDuration(since);
  let start: number;
  if ('ms' in duration) start = now.getTime() - duration.ms;
  else {
    // Stricter than Date.parse, which turns 2030-02-30 into March 2 and 24:00 into the next day.
    const timestamp = parseTimestamp(since);
    if (timestamp === null) {
      return { problem: `must be a duration (24h, 7d) or ${TIMESTAMP_FORMAT_HINT}` };
    }
    start = Date.parse(timestamp);
  }
  if (start > now.getTime()) return { problem: 'must not be in the future' };
  if (now.getTime() - start > MAX_REPORT_WINDOW_MS) return { problem: 'must be at most 90 days back' };
  return { since: new Date(start).toISOString() };
}

/**
 * The period a report counts, disagreements and submissions alike: from the later of the requested
 * start and when the shadow policy began being evaluated (`evaluatedSince`: its `set_at`; null when
 * unknown, for a policy that isn't the current one), until `now`. Counting submissions from before
 * it was evaluated would dilute the report; counting disagreements from an earlier period of the
 * same policy (set, cleared, set again; a file shadow before a restart) against this period's
 * submissions could show more disagreements than submissions.
 */
export function reportPeriod(
  requestedSince: string,
  evaluatedSince: string | null,
  now: Date,
): { since: string; until: string } {
  const until = now.toISOString();
  let since = requestedSince;
  if (evaluatedSince !== null && evaluatedSince > since) since = evaluatedSince;
  // A set_at ahead of this server's clock (another replica's) gives an empty period, not an inverted one.
  if (since > until) since = until;
  return { since, until };
}
