import type { Condition } from './condition.js';
import type { CompiledLimit } from './limit-check.js';
import type { Decision, RiskLevel, RiskRuleInfo, RuleInfo } from './types.js';

/** A rule ready for the hot path: conditions cheapest first. */
export interface CompiledRule {
  readonly info: RuleInfo;
  readonly effect: Decision;
  readonly risk: RiskLevel | null;
  readonly conditions: readonly Condition[];
  /** The rule's rate or budget limit, checked after it matched; null without one. */
  readonly limit: CompiledLimit | null;
}

/** A risk rule ready for the hot path. */
export interface CompiledRiskRule {
  readonly info: RiskRuleInfo;
  readonly conditions: readonly Condition[];
}

/**
 * Rules grouped by the literal tool they require. `byTool.get(tool)` holds, in file order, the
 * rules for that tool merged with every rule whose tool is a glob or absent; `anyTool` holds only
 * the latter, for tools no rule names literally. First-match order is therefore preserved exactly.
 */
export interface ToolIndex<T> {
  readonly byTool: ReadonlyMap<string, readonly T[]>;
  readonly anyTool: readonly T[];
}

/** Engine internals of a compiled policy; not part of the public API. */
export interface PolicyInternals {
  readonly rules: readonly CompiledRule[];
  readonly riskRules: readonly CompiledRiskRule[];
  readonly ruleIndex: ToolIndex<CompiledRule>;
  readonly riskIndex: ToolIndex<CompiledRiskRule>;
}

/** A validated, compiled policy: load once with `loadPolicy`, evaluate many times. */
export interface CompiledPolicy {
  readonly file: string;
  /** The top-level `version:` if present, else the first 12 hex digits of `hash`. */
  readonly version: string;
  /** sha256 (hex) of the source text. */
  readonly hash: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly rules: readonly RuleInfo[];
  readonly riskRules: readonly RiskRuleInfo[];
  /** The top-level `groups:`: name → members as written. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** The top-level `redact:` paths (empty without); see `redactionPaths` for a decided action's. */
  readonly redact: readonly string[];
  /** Opaque engine state. */
  readonly internals: PolicyInternals;
}
