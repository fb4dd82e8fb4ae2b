import type { Action, Decision, MatchedRule, PolicyEvaluation, RiskLevel, Role } from '@faramesh/contract';

/** `GET /v1/policy` and `POST /v1/policy/reload`. */
export interface PolicyInfo {
  file: string;
  version: string;
  hash: string;
  /** Number of rules (older servers may list them). */
  rules: number | unknown[];
  risk_rules: number | unknown[];
  loaded_at: string;
  last_error: string | null;
}

/** `GET /v1/auth/whoami`. */
export interface WhoAmI {
  name: string;
  role: Role;
  open_mode: boolean;
}

/** `GET /health`. */
export interface Health {
  status: string;
}

/** `GET /ready` (answered with 200 or 503; both are returned, not thrown). */
export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok?: boolean; [key: string]: unknown }>;
}

/** One condition of a rule as the engine checked it. */
export interface ConditionTrace {
  key: string;
  expected: unknown;
  actual: unknown;
  matched: boolean;
}

/** `not_evaluated`: a rule after the deciding one, never looked at. */
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

/** The engine's full rule trace for one action (wire form of `@faramesh/policy`'s explain). */
export interface Explanation extends Omit<PolicyEvaluation, 'policy_version' | 'policy_hash'> {
  policy_version?: string;
  policy_hash?: string;
  rules: RuleTrace[];
  risk: RiskTrace[];
  /** The shell command as normalized for `contains`/`pattern`, or null. */
  normalized_command: string | null;
  [key: string]: unknown;
}

/** `GET /v1/actions/{id}/explain`. */
export interface ExplainResponse {
  action: Action;
  /** The policy the trace was computed with: the server's current one. */
  policy: { file: string; version: string; hash: string };
  /** False when the policy changed since the action was decided (the trace may then disagree). */
  decided_by_current_policy: boolean;
  explanation: Explanation;
}

/** `POST /playground/eval`: a decision without storing anything. */
export interface PlaygroundResult extends PolicyEvaluation {
  matched_rule: MatchedRule | null;
  explanation: Explanation;
}
