import { type Evaluation, type LimitEvaluation, withWindowUsage } from '@faramesh/policy';
import type { CreateActionInput, LimitGate } from '@faramesh/store';

/** What a submission writes for one decision: the action, its events and its notifications. */
export type SubmissionWrite = Omit<CreateActionInput, 'limit'>;

/**
 * The store gate of a submission whose deciding rule has a limit, or undefined when there is
 * nothing to count. Inside the write transaction the store hands it the bucket's usage in the
 * window ending at `atMs` (the submission's time, epoch ms); the engine decides the limit again with that usage (it stays pure: usage
 * is data) and the gate returns what to write, with the amount the action uses once it counts.
 *
 * A call whose bucket can't be computed (its `by` values have no canonical form) has no key: it
 * already got the over-limit outcome, which needs no usage.
 */
export function limitGate(
  verdict: Evaluation,
  written: SubmissionWrite,
  atMs: number,
  write: (verdict: Evaluation) => SubmissionWrite,
): LimitGate | undefined {
  const check = verdict.limit;
  if (check === null || check.key === '') return undefined;
  return {
    key: check.key,
    since: windowStart(atMs, check),
    decide(used) {
      const decided = withWindowUsage(verdict, used);
      const amount = countedAmount(decided.limit);
      // The common case: the usage changes nothing but the usage the ledger records. The action
      // `written` for `verdict` is kept as it is (the store then reuses what it checked of it);
      // only the decision event's `meta.limit` is new. Its notifications are kept too: their
      // payloads carry the action and the event's id, never its meta (rebuilding them here, inside
      // the write transaction, cost a second action and payload per call with a webhook).
      if (sameOutcome(verdict, decided)) {
        // Object.assign, not a spread with an added field (V8 takes its slow path for those).
        return Object.assign({}, written, { events: withLimitMeta(written.events, decided.limit), amount });
      }
      return Object.assign(write(decided), { amount });
    },
  };
}

/**
 * What the action adds to its bucket once it counts: its amount, but never more than `max + 1`.
 * More than the whole budget already fills every window it is in, so no decision changes; counted
 * in full, an approved amount such as 1e300 would swallow every later amount in the bucket's
 * running totals (doubles: 1e300 + 60 is 1e300), and the budget would never count again. The
 * decision event records the amount as asked.
 */
export function countedAmount(check: LimitEvaluation | null): number {
  if (check === null || check.amount === null) return 0;
  return Math.min(check.amount, check.max + 1);
}

function sameOutcome(a: Evaluation, b: Evaluation): boolean {
  return a.decision === b.decision && a.reason === b.reason && a.reason_code === b.reason_code;
}

function withLimitMeta(events: SubmissionWrite['events'], check: LimitEvaluation | null): SubmissionWrite['events'] {
  const meta = limitMeta(check);
  // Object.assign, not spreads: this runs in the write transaction of every limited submission.
  return events.map((event) =>
    event.event_type === 'decision_made'
      ? Object.assign({}, event, { meta: Object.assign({}, event.meta, meta) })
      : event,
  );
}

// The last window start made: `toISOString` costs ~0.8 µs, and under load the limited submissions
// of one millisecond (several at a few thousand a second) share their window's start.
let lastStartMs = Number.NaN;
let lastStart = '';

/** The start of a limit's window ending at `atMs` (epoch ms; usage counted strictly after it). */
export function windowStart(atMs: number, check: Pick<LimitEvaluation, 'per_ms'>): string {
  const startMs = atMs - check.per_ms;
  if (startMs !== lastStartMs) {
    lastStart = new Date(startMs).toISOString();
    lastStartMs = startMs;
  }
  return lastStart;
}

/**
 * What the ledger's `decision_made` records of a limit check: the bucket, the usage the decision
 * saw and the call's amount, so an audit can tell why a call was (or wasn't) over its limit.
 */
export function limitMeta(check: LimitEvaluation | null): { limit?: Record<string, unknown> } {
  if (check === null) return {};
  return {
    limit: {
      text: check.text,
      key: check.key,
      used: check.used,
      amount: check.amount,
      max: check.max,
      per_ms: check.per_ms,
      reached: check.reached,
    },
  };
}
