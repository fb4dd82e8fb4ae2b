import { DEFAULT_REQUIREMENT } from './approval-requirement.js';
import type { CompiledRiskRule, CompiledRule } from './compiled-policy.js';
import { type Evaluation, maxRisk, type ReasonCode, type RiskLevel } from './types.js';

const EFFECT_REASON: Readonly<Record<CompiledRule['effect'], ReasonCode>> = {
  allow: 'rule_allow',
  deny: 'rule_deny',
  require_approval: 'rule_require_approval',
};

/** Reason given when no rule matched. */
export const NO_RULE_REASON = 'no rule matched: denied by default';

/**
 * Combines the deciding rule and the first matching risk rule into the final evaluation. Risk is
 * the higher of the rule's `risk:` and the risk rule's level (default low); high risk always turns
 * an allow into require_approval, whatever the rule's own `risk:` says.
 */
export function decide(rule: CompiledRule | null, riskRule: CompiledRiskRule | null): Evaluation {
  let risk: RiskLevel = rule?.risk ?? 'low';
  if (riskRule !== null) risk = maxRisk(risk, riskRule.info.risk_level);
  const risk_rule = riskRule?.info.name ?? null;
  if (rule === null) {
    return {
      decision: 'deny',
      reason: NO_RULE_REASON,
      reason_code: 'no_rule_matched',
      risk_level: risk,
      risk_rule,
      matched_rule: null,
      approval: null,
      limit: null,
    };
  }
  const matched_rule = { index: rule.info.index, description: rule.info.description };
  if (risk === 'high' && rule.effect === 'allow') {
    const source = risk_rule === null ? 'the rule is marked risk: high' : `risk rule "${risk_rule}"`;
    return {
      decision: 'require_approval',
      reason: `high risk (${source}): approval required`,
      reason_code: 'high_risk_upgrade',
      risk_level: risk,
      risk_rule,
      matched_rule,
      approval: DEFAULT_REQUIREMENT,
      limit: null,
    };
  }
  return {
    decision: rule.effect,
    reason: rule.info.description,
    reason_code: EFFECT_REASON[rule.effect],
    risk_level: risk,
    risk_rule,
    matched_rule,
    approval: rule.effect === 'require_approval' ? (rule.info.approval ?? DEFAULT_REQUIREMENT) : null,
    limit: null,
  };
}
