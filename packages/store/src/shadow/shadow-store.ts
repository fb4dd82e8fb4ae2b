import { canonicalJson } from '@faramesh/canonical';

/**
 * Shadow policies (`store.shadow`): the candidate policy set through the API (one row, shared by
 * every replica) and the disagreements recorded when it decided an action differently from the
 * active policy. A disagreement is inserted in the same transaction as its action (see
 * `CreateActionInput.shadow`), so an action never exists without it. The store treats decisions and
 * rules as opaque values; the server decides what counts as a disagreement.
 */

/** The deciding rule of one side: its 0-based index in its policy and its description. */
export interface ShadowRuleRef {
  index: number;
  description: string | null;
}

/** One disagreement between the active policy and the shadow policy on one action. */
export interface ShadowDisagreementRecord {
  action_id: string;
  created_at: string;
  /** `decision`: the decisions differ; `rule`: same decision, another rule decided. */
  kind: string;
  active_decision: string;
  active_rule: ShadowRuleRef | null;
  active_policy_hash: string;
  shadow_decision: string;
  shadow_rule: ShadowRuleRef | null;
  shadow_reason: string | null;
  shadow_reason_code: string;
  shadow_risk_level: string;
  shadow_policy_hash: string;
}

/** The shadow policy set through the API (FARAMESH_SHADOW_POLICY files are not stored). */
export interface ShadowPolicyRecord {
  source: string;
  /** SHA-256 (hex) of `source`, as the policy engine computes it. */
  hash: string;
  set_by: string | null;
  set_at: string;
}

/** Disagreements counted by old→new decision, shadow rule and the active policy they were measured against. */
export interface ShadowGroupRow {
  active_decision: string;
  shadow_decision: string;
  shadow_rule: ShadowRuleRef | null;
  active_policy_hash: string;
  count: number;
}

/** A recent disagreement, for the report's examples. */
export interface ShadowExampleRow {
  action_id: string;
  created_at: string;
  active_decision: string;
  shadow_decision: string;
  shadow_rule: ShadowRuleRef | null;
}

export interface ShadowSummaryInput {
  policy_hash: string;
  /** created_at >= since */
  since: string;
  /** created_at < until */
  until: string;
  /** Newest examples kept per (old decision, new decision, shadow rule). */
  examples: number;
  /** Most group rows returned, largest counts first (a bound on the answer, not on the count). */
  max_groups: number;
}

export interface ShadowSummaryRows {
  /**
   * Actions created in the same window, with or without a disagreement (the report's denominator).
   * Counted after the disagreements, so that every disagreement counted has its action counted too
   * (they are written in one transaction), even while submissions are being committed.
   */
  submissions: number;
  groups: ShadowGroupRow[];
  examples: ShadowExampleRow[];
}

export interface ShadowStore {
  /** The shadow policy set through the API, or null. */
  getPolicy(): Promise<ShadowPolicyRecord | null>;
  /** Only the hash and time of the stored shadow policy (a cheap poll for other replicas' changes). */
  policyHead(): Promise<{ hash: string; set_at: string } | null>;
  /**
   * Sets (replaces) the shadow policy and returns what is stored. Setting the policy already stored
   * (the same hash) keeps its `set_at` and `set_by`: it never stopped being evaluated, so the period
   * its report counts from goes on.
   */
  setPolicy(record: ShadowPolicyRecord): Promise<ShadowPolicyRecord>;
  /** Removes the shadow policy, only if its hash is `hash` when given; true when one was removed. */
  clearPolicy(hash?: string): Promise<boolean>;
  /** The disagreements recorded for these actions (at most one each), in no particular order. */
  forActions(actionIds: readonly string[]): Promise<ShadowDisagreementRecord[]>;
  /**
   * Grouped counts and the newest examples of one shadow policy's disagreements in a window, and the
   * number of actions submitted in that same window: one call, so the two can't cover different ones.
   */
  summarize(input: ShadowSummaryInput): Promise<ShadowSummaryRows>;
}

/** The columns of the shadow_disagreements table, in insert order. */
export const SHADOW_COLUMNS = [
  'action_id',
  'created_at',
  'kind',
  'active_decision',
  'active_rule',
  'active_policy_hash',
  'shadow_decision',
  'shadow_rule',
  'shadow_reason',
  'shadow_reason_code',
  'shadow_risk_level',
  'shadow_policy_hash',
] as const;

export type ShadowRow = Omit<ShadowDisagreementRecord, 'active_rule' | 'shadow_rule'> & {
  active_rule: string | null;
  shadow_rule: string | null;
};

/** Rules are stored as canonical JSON text, so equal rules group together on both backends. */
export function ruleText(rule: ShadowRuleRef | null): string | null {
  // The canonical JSON of { index, description } written out (its keys in canonical order), so a
  // disagreement row doesn't sort and walk two small objects per submission.
  if (rule === null) return null;
  return `{"description":${canonicalJson(rule.description)},"index":${canonicalJson(rule.index)}}`;
}

export function parseRule(text: string | null): ShadowRuleRef | null {
  return text === null ? null : (JSON.parse(text) as ShadowRuleRef);
}

export function disagreementToRow(record: ShadowDisagreementRecord): ShadowRow {
  return { ...record, active_rule: ruleText(record.active_rule), shadow_rule: ruleText(record.shadow_rule) };
}

export function rowToDisagreement(row: ShadowRow): ShadowDisagreementRecord {
  return { ...row, active_rule: parseRule(row.active_rule), shadow_rule: parseRule(row.shadow_rule) };
}
