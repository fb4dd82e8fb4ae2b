import type { Decision, ShadowReport, ShadowRuleCount, ShadowTransition } from '@faramesh/contract';
import type { ShadowExampleRow, ShadowGroupRow, ShadowRuleRef, ShadowSummaryRows } from '@faramesh/store';

export interface ShadowReportFacts {
  policyHash: string;
  since: string;
  until: string;
  /** Example ids kept per entry. */
  examples: number;
}

/**
 * The report from the store's grouped rows: disagreements by old→new decision and by the shadow
 * policy's deciding rule, largest first, each with its newest example action ids.
 */
export function buildShadowReport(rows: ShadowSummaryRows, facts: ShadowReportFacts): ShadowReport {
  const transitions = new Map<string, ShadowTransition>();
  const rules = new Map<string, ShadowRuleCount>();
  const activeHashes = new Map<string, number>();
  let disagreements = 0;
  for (const group of rows.groups) {
    disagreements += group.count;
    activeHashes.set(group.active_policy_hash, (activeHashes.get(group.active_policy_hash) ?? 0) + group.count);
    const from = group.active_decision as Decision;
    const to = group.shadow_decision as Decision;
    const transition = transitions.get(transitionKey(group)) ?? { from, to, count: 0, examples: [] };
    transition.count += group.count;
    transitions.set(transitionKey(group), transition);
    const rule = rules.get(ruleKey(group)) ?? { rule: copyRule(group.shadow_rule), from, to, count: 0, examples: [] };
    rule.count += group.count;
    rules.set(ruleKey(group), rule);
  }
  // Examples arrive newest first; each entry keeps the first few of its own.
  for (const example of rows.examples) {
    addExample(transitions.get(transitionKey(example)), example, facts.examples);
    addExample(rules.get(ruleKey(example)), example, facts.examples);
  }
  return {
    policy_hash: facts.policyHash,
    active_policy_hashes: [...activeHashes.entries()]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([hash]) => hash),
    since: facts.since,
    until: facts.until,
    submissions: rows.submissions,
    disagreements,
    transitions: [...transitions.values()].sort(
      (a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
    ),
    rules: [...rules.values()].sort(
      (a, b) =>
        b.count - a.count ||
        (a.rule?.index ?? -1) - (b.rule?.index ?? -1) ||
        a.from.localeCompare(b.from) ||
        a.to.localeCompare(b.to),
    ),
  };
}

type Keyed = Pick<ShadowGroupRow, 'active_decision' | 'shadow_decision' | 'shadow_rule'>;

function transitionKey(row: Keyed): string {
  return `${row.active_decision}\u0000${row.shadow_decision}`;
}

function ruleKey(row: Keyed): string {
  const rule = row.shadow_rule === null ? 'none' : JSON.stringify([row.shadow_rule.index, row.shadow_rule.description]);
  return `${transitionKey(row)}\u0000${rule}`;
}

function copyRule(rule: ShadowRuleRef | null): ShadowRuleRef | null {
  return rule === null ? null : { index: rule.index, description: rule.description };
}

function addExample(entry: { examples: string[] } | undefined, example: ShadowExampleRow, max: number): void {
  if (entry !== undefined && entry.examples.length < max && !entry.examples.includes(example.action_id)) {
    entry.examples.push(example.action_id);
  }
}
