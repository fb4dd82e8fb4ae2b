import { ActionView } from './action-view.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { Condition } from './condition.js';
import { decide } from './decide.js';
import { candidatesFor } from './tool-index.js';
import type { ActionInput, Evaluation } from './types.js';

/** Decides one action: first matching rule (via the tool index), first matching risk rule, then `decide`. */
export function evaluate(policy: CompiledPolicy, action: ActionInput): Evaluation {
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
  return decide(matched, fired);
}

function allHold(conditions: readonly Condition[], view: ActionView): boolean {
  for (const condition of conditions) if (!condition.test(view)) return false;
  return true;
}
