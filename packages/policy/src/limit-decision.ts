import type { ActionView } from './action-view.js';
import type { CompiledRiskRule, CompiledRule } from './compiled-policy.js';
import { decide } from './decide.js';
import { applyLimit, checkLimit, type WindowUsage } from './limit-check.js';
import type { Evaluation } from './types.js';

/** `decide`, then the deciding rule's limit (if it has one) checked against the window's usage. */
export function decideWithLimit(
  rule: CompiledRule | null,
  riskRule: CompiledRiskRule | null,
  view: ActionView,
  usage: WindowUsage,
): Evaluation {
  const base = decide(rule, riskRule);
  if (rule === null || rule.limit === null) return base;
  return applyLimit(base, checkLimit(rule.limit, rule.info.index, view, usage));
}
