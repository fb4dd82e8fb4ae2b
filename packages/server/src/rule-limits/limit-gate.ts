import {
  type ActionInput,
  type CompiledPolicy,
  type Evaluation,
  evaluate,
  type LimitEvaluation,
} from '@faramesh/policy';
import type { CreateActionInput, LimitGate } from '@faramesh/store';

/** What a submission writes for one decision: the action, its events and its notifications. */
export type SubmissionWrite = Omit<CreateActionInput, 'limit'>;

/**
 * The store gate of a submission whose deciding rule has a limit, or undefined when there is
 * nothing to count. Inside the write transaction the store hands it the bucket's usage in the
 * window ending at `at`; it decides again with that usage (the engine stays pure: usage is data)
 * and returns what to write, with the amount the action uses once it counts.
 *
 * A call whose bucket can't be computed (its `by` values have no canonical form) has no key: it
 * already got the over-limit outcome, which needs no usage.
 */
export function limitGate(
  policy: CompiledPolicy,
  action: ActionInput,
  verdict: Evaluation,
  at: string,
  write: (verdict: Evaluation) => SubmissionWrite,
): LimitGate | undefined {
  const check = verdict.limit;
  if (check === null || check.key === '') return undefined;
  return {
    key: check.key,
    since: windowStart(at, check),
    decide(used) {
      const decided = evaluate(policy, action, new Map([[check.key, used]]));
      return { ...write(decided), amount: decided.limit?.amount ?? 0 };
    },
  };
}

/** The start of a limit's window ending at `at` (usage counted strictly after it). */
export function windowStart(at: string, check: Pick<LimitEvaluation, 'per_ms'>): string {
  return new Date(Date.parse(at) - check.per_ms).toISOString();
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
