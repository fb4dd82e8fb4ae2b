import type { Explanation, RuleTrace } from '@faramesh/contract';

export type {
  ConditionTrace,
  Explanation,
  LimitTrace,
  RiskTrace,
  RuleTrace,
  ShellTrace,
  TraceStatus,
} from '@faramesh/contract';

/*
 * Every field of the trace is read defensively: an older or newer server may send a different
 * shape, and then the raw JSON is shown instead.
 */

/** Narrows the server's `explanation` to the shape above, or null when it doesn't fit. */
export function asExplanation(value: unknown): Explanation | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<Explanation>;
  if (!Array.isArray(candidate.rules) || !Array.isArray(candidate.risk)) return null;
  const okTrace = (t: unknown) =>
    typeof t === 'object' &&
    t !== null &&
    typeof (t as RuleTrace).status === 'string' &&
    Array.isArray((t as RuleTrace).conditions);
  if (!candidate.rules.every(okTrace) || !candidate.risk.every(okTrace)) return null;
  return candidate as Explanation;
}
