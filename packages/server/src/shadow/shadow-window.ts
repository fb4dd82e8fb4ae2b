import { parseDuration } from '@faramesh/policy';

/** The longest window a report covers (disagreements older than this are not summarized). */
export const MAX_REPORT_WINDOW_MS = 90 * 86_400_000;

/**
 * The start of a report window from `since`: a duration back from `now` (`24h`, `7d`) or an ISO 8601
 * UTC timestamp. Anything else, a future time or a window longer than 90 days is a problem.
 */
export function reportSince(since: string, now: Date): { since: string } | { problem: string } {
  const duration = parseDuration(since);
  let start: number;
  if ('ms' in duration) start = now.getTime() - duration.ms;
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(since) && !Number.isNaN(Date.parse(since))) {
    start = Date.parse(since);
  } else {
    return { problem: `since=${JSON.stringify(since)} is neither a duration (24h, 7d) nor a UTC timestamp (…Z)` };
  }
  if (start > now.getTime()) return { problem: `since=${since} is in the future` };
  if (now.getTime() - start > MAX_REPORT_WINDOW_MS) return { problem: `since=${since} is more than 90 days back` };
  return { since: new Date(start).toISOString() };
}
