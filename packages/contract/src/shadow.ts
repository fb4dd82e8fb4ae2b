import type { Decision, MatchedRule, RiskLevel } from './action.js';
import type { PolicyDiagnostic } from './responses.js';

/**
 * What a shadow (candidate) policy decided differently from the active one, on an action's wire
 * record as `shadow` (only when they disagreed, and only for roles that may read the policy).
 */
export interface ShadowVerdict {
  /** `decision`: the decisions differ; `rule`: same decision, a different rule decided (FARAMESH_SHADOW_COMPARE=rule). */
  kind: ShadowDisagreementKind;
  decision: Decision;
  /** The shadow policy's rule that decided, or null when none matched (default deny). */
  rule: MatchedRule | null;
  reason: string | null;
  reason_code: string;
  risk_level: RiskLevel;
  policy_hash: string;
}

export const SHADOW_DISAGREEMENT_KINDS = ['decision', 'rule'] as const;
export type ShadowDisagreementKind = (typeof SHADOW_DISAGREEMENT_KINDS)[number];

/** `GET /v1/policy/shadow`: the candidate policy evaluated beside the active one, if any. */
export interface ShadowPolicyStatus {
  /** False when no shadow policy is set (the other fields are then null). */
  active: boolean;
  /** `file`: FARAMESH_SHADOW_POLICY (change it by editing the file); `api`: set with POST, shared by every replica. */
  source: 'file' | 'api' | null;
  file: string | null;
  version: string | null;
  hash: string | null;
  rules: number | null;
  risk_rules: number | null;
  set_by: string | null;
  set_at: string | null;
  /** What counts as a disagreement: the decision only, or also the deciding rule. */
  compare: 'decision' | 'rule';
  /** Why the last reload of the shadow file failed (the previous shadow policy stayed), or null. */
  last_error: { message: string; diagnostics: PolicyDiagnostic[]; at: string } | null;
  /**
   * What promoting it would change of redaction (`redact:` paths, top level or per rule, against the
   * active policy's): values at paths that `stop` would be stored in the clear from then on. Null
   * without a shadow policy.
   */
  redaction_change: { stops: string[]; starts: string[] } | null;
}

/** One old→new decision pair of a shadow report. */
export interface ShadowTransition {
  from: Decision;
  to: Decision;
  count: number;
  /** Ids of the newest actions with this change (a few). */
  examples: string[];
}

/** Disagreements grouped by the shadow policy's deciding rule (null: no rule matched). */
export interface ShadowRuleCount {
  rule: MatchedRule | null;
  from: Decision;
  to: Decision;
  count: number;
  examples: string[];
}

/** `GET /v1/policy/shadow/report`: what the shadow policy would have changed in a window. */
export interface ShadowReport {
  policy_hash: string;
  /** The active policy hash(es) the disagreements were measured against (more than one after a reload). */
  active_policy_hashes: string[];
  /**
   * The start of the period counted: the requested `since`, or when the shadow policy began being
   * evaluated if that is later (its `set_at`: set through the API, or loaded from its file by this
   * server). Both counts cover exactly [since, until).
   */
  since: string;
  until: string;
  /** Actions submitted in [since, until): the denominator of `disagreements`. */
  submissions: number;
  /** Actions in [since, until) this shadow policy would have decided differently. */
  disagreements: number;
  transitions: ShadowTransition[];
  rules: ShadowRuleCount[];
}

/** `POST /v1/policy/shadow/promote`. */
export interface ShadowPromotion {
  /** The ledger record of the promotion (an action by the admin, tool `faramesh`, operation `policy.promote`). */
  action_id: string;
  file: string;
  previous_policy_hash: string;
  policy_hash: string;
  report: ShadowReport;
}
