import type { ApprovalRequirement } from './approval-requirement.js';
import type { LimitEvaluation } from './limit-check.js';
import type { RuleLimit } from './rule-limit.js';

/** The three outcomes of a policy decision, as they appear on the wire. */
export type Decision = 'allow' | 'deny' | 'require_approval';

/** Risk levels in ascending order of severity. */
export type RiskLevel = 'low' | 'medium' | 'high';

/** A tool call as the engine sees it: the submitted action minus its ids and timestamps. */
export interface ActionInput {
  agent_id: string;
  tool: string;
  operation: string;
  params: Record<string, unknown>;
  context: Record<string, unknown>;
  /**
   * Who submitted the action, as the server authenticated it: a trusted fact, unlike everything
   * above, which the agent writes. Absent when unknown (an old stored action, a bare action file);
   * then `principal*` conditions resolve to the stricter outcome.
   */
  principal?: ActionPrincipal;
}

/** The roles a principal can have (the server's token roles). */
export const PRINCIPAL_ROLES = ['agent', 'approver', 'admin'] as const;

/** The authenticated identity behind an action: name, role and groups, never written by the agent. */
export interface ActionPrincipal {
  name: string;
  role: (typeof PRINCIPAL_ROLES)[number];
  groups: readonly string[];
}

export type ReasonCode =
  | 'rule_allow'
  | 'rule_deny'
  | 'rule_require_approval'
  | 'high_risk_upgrade'
  | 'no_rule_matched'
  /** The deciding rule's `limit` was reached: its `over_limit` effect decided. */
  | 'limit_reached';

/** The result of evaluating one action against a policy. */
export interface Evaluation {
  decision: Decision;
  reason: string | null;
  reason_code: ReasonCode;
  risk_level: RiskLevel;
  risk_rule: string | null;
  matched_rule: { index: number; description: string | null } | null;
  /**
   * For `require_approval`: who may approve and how many, which the server stores on the pending
   * action (plain JSON, see approval-requirement.ts); null for allow and deny.
   */
  approval: ApprovalRequirement | null;
  /** The deciding rule's limit as checked for this call (used, amount, reached); null without one. */
  limit: LimitEvaluation | null;
}

/** The normalized match mapping of a rule (`operation:` is reported as `op`). */
export interface MatchSpec {
  tool?: string;
  op?: string;
  agent_id?: string;
  principal?: string;
  principal_role?: string;
  principal_group?: string;
  contains?: string;
  pattern?: string;
  amount_gt?: number;
  amount_lt?: number;
  amount_gte?: number;
  amount_lte?: number;
  path_contains?: string;
  path_starts_with?: string;
  path_ends_with?: string;
  method?: string;
  branch?: string;
  field?: string;
  value?: unknown;
  /** Shell allowlist: every command that would run is one of these, used as allowed (lists are normalized to `{name: {}}`). */
  commands?: Record<string, CommandAllowance>;
  /** Globs of files a writing redirection may target when `commands` holds; default `/dev/null` only. */
  redirect_writes?: string[];
  /** Names (globs) of commands: holds when any command that would run has one of them. */
  any_command?: string[];
}

/** How one command of a `commands:` allowlist may be used. */
export interface CommandAllowance {
  /** When given, the first argument that is not an option must be one of these. */
  subcommands?: string[];
  /** Options it may not be given: `--output` (and its abbreviations, `--output=x`), `-o` (also inside `-xo`), `-delete` (exactly). */
  forbid?: string[];
}

/** Public description of one policy rule, in file order. */
export interface RuleInfo {
  index: number;
  name: string | null;
  description: string | null;
  effect: Decision;
  risk: RiskLevel | null;
  match: MatchSpec;
  /** The rule's approval requirement; null unless its effect is require_approval. */
  approval: ApprovalRequirement | null;
  /** Channels told when the rule makes an action wait for approval; absent without `notify:`. */
  notify?: string[];
  /** Paths the rule adds to the policy's `redact` for the actions it decides; absent without `redact:`. */
  redact?: string[];
  /** The rule's rate or budget limit (allow rules only); absent without `limit:`. */
  limit?: RuleLimit;
  line: number;
  column: number;
}

/** Public description of one risk rule, in file order. */
export interface RiskRuleInfo {
  index: number;
  name: string;
  risk_level: RiskLevel;
  when: MatchSpec;
  line: number;
  column: number;
}

const RISK_ORDER: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2 };

/** The more severe of two risk levels. */
export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_ORDER[a] >= RISK_ORDER[b] ? a : b;
}
