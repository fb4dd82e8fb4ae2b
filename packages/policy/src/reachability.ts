import type { ParsedPolicy } from './policy-document.js';
import type { MatchSpec } from './types.js';
import type { YamlSource } from './yaml-document.js';

/** True when a match can never fail: only `*` globs on tool, op and agent_id. */
export function isCatchAll(spec: MatchSpec): boolean {
  const keys = Object.keys(spec) as (keyof MatchSpec)[];
  return keys.every((key) => (key === 'tool' || key === 'op' || key === 'agent_id') && /^\*+$/.test(spec[key] ?? ''));
}

/** Warns about `rules: []` and about rules (and risk rules) after a catch-all, which can never match. */
export function reachabilityWarnings(yaml: YamlSource, policy: ParsedPolicy): void {
  if (policy.rules.length === 0) {
    yaml.warning(policy.rulesNode, 'rules', 'empty_rules', '`rules` is empty: every action will be denied');
  }
  const catchAll = policy.rules.findIndex((rule) => isCatchAll(rule.match.spec));
  policy.rules.forEach((rule, index) => {
    if (catchAll >= 0 && index > catchAll) {
      yaml.warning(
        rule.node,
        `rules[${index}]`,
        'unreachable_rule',
        `this rule can never match: rules[${catchAll}] matches every action`,
      );
    }
  });
  const riskCatchAll = policy.riskRules.findIndex((rule) => isCatchAll(rule.when.spec));
  policy.riskRules.forEach((rule, index) => {
    if (riskCatchAll >= 0 && index > riskCatchAll) {
      yaml.warning(
        rule.node,
        `risk.rules[${index}]`,
        'unreachable_risk_rule',
        `this risk rule can never fire: risk.rules[${riskCatchAll}] matches every action`,
      );
    }
  });
}
