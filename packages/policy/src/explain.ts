import { ActionView } from './action-view.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { Condition } from './condition.js';
import type { WindowUsage } from './limit-check.js';
import { decideWithLimit } from './limit-decision.js';
import type { ShellCommand, ShellRedirect } from './shell-command.js';
import type { ActionInput, Decision, Evaluation, RiskLevel } from './types.js';

/** One condition of a rule as it was checked. */
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
  /** Every condition of the rule (not short-circuited); empty when not evaluated. */
  conditions: ConditionTrace[];
}

export interface RiskTrace {
  index: number;
  name: string;
  risk_level: RiskLevel;
  status: TraceStatus;
  conditions: ConditionTrace[];
}

export interface Explanation extends Evaluation {
  rules: RuleTrace[];
  risk: RiskTrace[];
  /** The shell command as normalized for `contains`/`pattern`, or null when params has no `cmd`/`command` string. */
  normalized_command: string | null;
  /** What the shell command line would run, as the analyzer found it, or null without one. */
  shell: ShellTrace | null;
}

/** The shell analysis as `explain` shows it. */
export interface ShellTrace {
  commands: readonly ShellCommand[];
  redirects: readonly ShellRedirect[];
  complete: boolean;
  /** Why the analysis is incomplete (then shell conditions resolve to the stricter outcome). */
  problems: readonly string[];
}

/**
 * Evaluates like `evaluate` (with the same `usage`) but scans every rule in file order (no index) and records each
 * condition, so the trace shows exactly why each rule did or didn't match.
 */
export function explain(policy: CompiledPolicy, action: ActionInput, usage: WindowUsage = new Map()): Explanation {
  const view = new ActionView(action);
  const { rules, riskRules } = policy.internals;
  const ruleTraces: RuleTrace[] = [];
  let matched = null;
  for (const rule of rules) {
    const { name, description, effect, index } = rule.info;
    if (matched !== null) {
      ruleTraces.push({ index, name, description, effect, status: 'not_evaluated', conditions: [] });
      continue;
    }
    const conditions = trace(rule.conditions, view);
    const hit = conditions.every((c) => c.matched);
    if (hit) matched = rule;
    ruleTraces.push({ index, name, description, effect, status: hit ? 'matched' : 'not_matched', conditions });
  }
  const riskTraces: RiskTrace[] = [];
  let fired = null;
  for (const riskRule of riskRules) {
    const { index, name, risk_level } = riskRule.info;
    if (fired !== null) {
      riskTraces.push({ index, name, risk_level, status: 'not_evaluated', conditions: [] });
      continue;
    }
    const conditions = trace(riskRule.conditions, view);
    const hit = conditions.every((c) => c.matched);
    if (hit) fired = riskRule;
    riskTraces.push({ index, name, risk_level, status: hit ? 'matched' : 'not_matched', conditions });
  }
  const shell = view.shell();
  return {
    ...decideWithLimit(matched, fired, view, usage),
    rules: ruleTraces,
    risk: riskTraces,
    normalized_command: view.command(),
    shell:
      shell === null
        ? null
        : { commands: shell.commands, redirects: shell.redirects, complete: shell.complete, problems: shell.problems },
  };
}

function trace(conditions: readonly Condition[], view: ActionView): ConditionTrace[] {
  return conditions.map((condition) => ({
    key: condition.key,
    expected: condition.expected,
    actual: condition.actual(view),
    matched: condition.test(view),
  }));
}
