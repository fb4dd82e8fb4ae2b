import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import type { ParsedPolicy } from './policy-document.js';
import type { YamlSource } from './yaml-document.js';

/**
 * Warns about `allow` rules that grant on `context.*`: the agent writes its context, so any caller
 * can set the fact and get the grant. A principal condition on the same rule binds the grant to an
 * authenticated identity, which silences the warning. A warning, not an error: context facts are
 * still fine for deny, approval and risk rules, where setting them can only make things stricter.
 */
export function untrustedGrantWarnings(yaml: YamlSource, policy: ParsedPolicy): void {
  policy.rules.forEach((rule, index) => {
    const { spec } = rule.match;
    if (rule.effect !== 'allow' || spec.field === undefined || !spec.field.startsWith('context.')) return;
    if (spec.principal !== undefined || spec.principal_role !== undefined || spec.principal_group !== undefined) return;
    yaml.warning(
      fieldNode(rule.node) ?? rule.node,
      `rules[${index}].match.field`,
      'untrusted_fact_grant',
      `this allow rule depends on ${spec.field}, which the agent itself sends; any caller can set it. ` +
        'Bind the grant to an identity (principal, principal_role, principal_group) or use require_approval',
    );
  });
}

function fieldNode(ruleNode: Node): Node | null {
  if (!isMap(ruleNode)) return null;
  const match = (ruleNode as YAMLMap).get('match', true);
  if (!isMap(match)) return null;
  const pair = (match as YAMLMap<unknown, unknown>).items.find(
    (item) => isScalar(item.key) && item.key.value === 'field',
  );
  return (pair?.key as Node | undefined) ?? null;
}
