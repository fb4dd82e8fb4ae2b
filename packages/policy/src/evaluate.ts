import { ActionView } from './action-view.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { Condition } from './condition.js';
import type { WindowUsage } from './limit-check.js';
import { decideWithLimit } from './limit-decision.js';
import { candidatesFor } from './tool-index.js';
import type { ActionInput, Evaluation } from './types.js';

const NO_USAGE: WindowUsage = new Map();

/**
 * Decides one action: first matching rule (via the tool index), first matching risk rule, then
 * `decide`, then the rule's limit (if any) against `usage`, the window's usage by limit key.
 */
export function evaluate(policy: CompiledPolicy, action: ActionInput, usage: WindowUsage = NO_USAGE): Evaluation {
  const { ruleIndex, riskIndex } = policy.internals;
  const view = new ActionView(action);
  const rules = candidatesFor(ruleIndex, action.tool);
  let matched = null;
  for (const rule of rules) {
    if (allHold(rule.conditions, view)) {
      matched = rule;
      break;
    }
  }
  const riskRules = candidatesFor(riskIndex, action.tool);
  let fired = null;
  for (const riskRule of riskRules) {
    if (allHold(riskRule.conditions, view)) {
      fired = riskRule;
      break;
    }
  }
  return decideWithLimit(matched, fired, view, usage);
}

function allHold(conditions: readonly Condition[], view: ActionView): boolean {
  for (const condition of conditions) if (!condition.test(view)) return false;
  return true;
}
