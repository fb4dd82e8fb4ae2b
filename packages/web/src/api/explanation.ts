import type { Decision, MatchedRule, RiskLevel } from '@faramesh/contract';

/*
 * The policy engine's trace (`@faramesh/policy` explain.ts), restated here because the web package
 * depends on the wire contract only. Every field is read defensively: an older or newer server may
 * send a different shape, and then the raw JSON is shown instead.
 */

export interface ConditionTrace {
  key: string;
  expected: unknown;
  actual: unknown;
  matched: boolean;
}

export type TraceStatus = 'matched' | 'not_matched' | 'not_evaluated';

export interface RuleTrace {
  index: number;
  name: string | null;
  description: string | null;
  effect: Decision;
  status: TraceStatus;
  conditions: ConditionTrace[];
}

export interface RiskTrace {
  index: number;
  name: string;
  risk_level: RiskLevel;
  status: TraceStatus;
  conditions: ConditionTrace[];
}

export interface Explanation {
  decision: Decision;
  reason: string | null;
  reason_code: string;
  risk_level: RiskLevel;
  risk_rule: string | null;
  matched_rule: MatchedRule | null;
  rules: RuleTrace[];
  risk: RiskTrace[];
  normalized_command: string | null;
}

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
