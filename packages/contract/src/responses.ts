import type { Action, Decision, MatchedRule, PolicyEvaluation, RiskLevel, Role } from './action.js';

/** A policy problem, as the engine reports it: file:line:column and a stable code. */
export interface PolicyDiagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  /** Where in the document, e.g. `rules[2].match.amount_gt`. */
  path: string;
}

/** `GET /v1/policy`; `POST /v1/policy/reload` adds `changed`. */
export interface PolicyStatus {
  file: string;
  version: string;
  hash: string;
  rules: number;
  risk_rules: number;
  loaded_at: string;
  /** Why the last reload failed (the previous policy stayed active), or null. */
  last_error: { message: string; diagnostics: PolicyDiagnostic[]; at: string } | null;
}

/** `GET /v1/auth/whoami`. */
export interface WhoAmI {
  name: string;
  role: Role;
  open_mode: boolean;
  /**
   * True for a shared identity: open mode, or a FARAMESH_TOKEN token (one identity for everyone who
   * holds it, as in the seeds).
   */
  shared_identity: boolean;
  /**
   * Whether this identity is kept from deciding actions it submitted. False for a shared identity:
   * it may approve its own submissions (recorded as `self_approval`); use FARAMESH_TOKENS for
   * separate agent and approver identities.
   */
  separation_of_duties: boolean;
}

/** `GET /health`. */
export interface Health {
  status: string;
}

/** `GET /ready` (200 when ready, 503 otherwise; same body). */
export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; [key: string]: unknown }>;
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

/** The engine's full trace for one action: every rule tried and why, and the risk rule that fired. */
export interface Explanation {
  decision: Decision;
  reason: string | null;
  reason_code: string;
  risk_level: RiskLevel;
  risk_rule: string | null;
  matched_rule: MatchedRule | null;
  rules: RuleTrace[];
  risk: RiskTrace[];
  /** The shell command as normalized for `contains`/`pattern`, or null. */
  normalized_command: string | null;
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

/** `POST /playground/eval`: a decision and its trace; nothing is stored. */
export interface PlaygroundResult extends PolicyEvaluation {
  explanation: Explanation;
}

/** `GET /v1/audit/verify`: the whole hash chain recomputed, or the first event that fails. */
export type LedgerAudit =
  | { ok: true; events: number; head: { seq: number; hash: string } | null }
  | { ok: false; events: number; seq: number; reason: string };
