import { canonicalJson } from '@faramesh/canonical';
import type { CompiledPolicy } from './compiled-policy.js';
import type { RiskRuleInfo, RuleInfo } from './types.js';

/** A rule present in both policies whose fields differ. */
export interface RuleChange<T> {
  old_index: number;
  new_index: number;
  fields: string[];
  old: T;
  new: T;
}

/** A rule whose position relative to the other kept rules changed (first-match order matters). */
export interface RuleMove<T> {
  old_index: number;
  new_index: number;
  rule: T;
}

export interface SectionDiff<T> {
  added: T[];
  removed: T[];
  changed: RuleChange<T>[];
  reordered: RuleMove<T>[];
  unchanged: number;
}

/** Rule-by-rule difference between two policies. */
export interface PolicyDiff {
  /** True when rules and risk rules are semantically the same (comments and formatting don't count). */
  identical: boolean;
  version: { old: string; new: string };
  rules: SectionDiff<RuleInfo>;
  risk_rules: SectionDiff<RiskRuleInfo>;
}

/**
 * Compares two policies rule by rule. Rules are paired in three passes, each only among rules
 * still unpaired: (1) same normalized match + effect, (2) same normalized match, (3) same
 * non-null description; within a pass, a candidate with the same description is preferred, then
 * the earliest. Risk rules pair by name, then by `when`. Unpaired rules are added/removed; a
 * paired rule is `reordered` when it is not on the longest run of pairs that kept their relative
 * order (so one insertion doesn't report every later rule as moved).
 */
export function diffPolicies(oldP: CompiledPolicy, newP: CompiledPolicy): PolicyDiff {
  const rules = diffSection(oldP.rules, newP.rules, RULE_PASSES, RULE_FIELDS);
  const risk_rules = diffSection(oldP.riskRules, newP.riskRules, RISK_PASSES, RISK_FIELDS);
  return {
    identical: isEmpty(rules) && isEmpty(risk_rules),
    version: { old: oldP.version, new: newP.version },
    rules,
    risk_rules,
  };
}

type Pass<T> = (rule: T) => string | null;
type Fields<T> = ReadonlyArray<readonly [string, (rule: T) => unknown]>;

const RULE_PASSES: readonly Pass<RuleInfo>[] = [
  (r) => canonicalJson({ match: r.match, effect: r.effect }),
  (r) => canonicalJson(r.match),
  (r) => r.description,
];
const RULE_FIELDS: Fields<RuleInfo> = [
  ['match', (r) => r.match],
  ['effect', (r) => r.effect],
  ['description', (r) => r.description],
  ['risk', (r) => r.risk],
  ['name', (r) => r.name],
  ['approval', (r) => r.approval],
  ['limit', (r) => r.limit ?? null],
];
const RISK_PASSES: readonly Pass<RiskRuleInfo>[] = [(r) => r.name, (r) => canonicalJson(r.when)];
const RISK_FIELDS: Fields<RiskRuleInfo> = [
  ['name', (r) => r.name],
  ['when', (r) => r.when],
  ['risk_level', (r) => r.risk_level],
];

interface Described {
  index: number;
}

function diffSection<T extends Described>(
  older: readonly T[],
  newer: readonly T[],
  passes: readonly Pass<T>[],
  fields: Fields<T>,
): SectionDiff<T> {
  const pairOfNew = new Map<number, number>(); // new index → old index
  const pairedOld = new Set<number>();
  const descriptionOf = (rule: T): string => canonicalJson((rule as { description?: unknown }).description ?? null);
  for (const pass of passes) {
    for (const rule of newer) {
      if (pairOfNew.has(rule.index)) continue;
      const key = pass(rule);
      if (key === null) continue;
      const candidates = older.filter((o) => !pairedOld.has(o.index) && pass(o) === key);
      const chosen = candidates.find((o) => descriptionOf(o) === descriptionOf(rule)) ?? candidates[0];
      if (chosen === undefined) continue;
      pairOfNew.set(rule.index, chosen.index);
      pairedOld.add(chosen.index);
    }
  }
  const pairs = [...pairOfNew.entries()].map(([n, o]) => ({ old: older[o] as T, new: newer[n] as T }));
  pairs.sort((a, b) => a.old.index - b.old.index);
  const kept = longestIncreasing(pairs.map((p) => p.new.index));
  const changed: RuleChange<T>[] = [];
  const reordered: RuleMove<T>[] = [];
  let unchanged = 0;
  pairs.forEach((pair, position) => {
    const differing = fields.filter(
      ([, read]) => canonicalJson(read(pair.old) ?? null) !== canonicalJson(read(pair.new) ?? null),
    );
    if (differing.length > 0) {
      changed.push({
        old_index: pair.old.index,
        new_index: pair.new.index,
        fields: differing.map(([f]) => f),
        old: pair.old,
        new: pair.new,
      });
    } else {
      unchanged += 1;
    }
    if (!kept.has(position)) reordered.push({ old_index: pair.old.index, new_index: pair.new.index, rule: pair.new });
  });
  changed.sort((a, b) => a.new_index - b.new_index);
  reordered.sort((a, b) => a.new_index - b.new_index);
  return {
    added: newer.filter((r) => !pairOfNew.has(r.index)),
    removed: older.filter((r) => !pairedOld.has(r.index)),
    changed,
    reordered,
    unchanged,
  };
}

/** Positions of one longest strictly increasing subsequence (O(n log n) patience method). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = []; // positions
  const previous: number[] = new Array(values.length).fill(-1);
  values.forEach((value, position) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((values[tails[mid] ?? 0] ?? 0) < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[position] = tails[lo - 1] ?? -1;
    tails[lo] = position;
  });
  const result = new Set<number>();
  let cursor = tails[tails.length - 1] ?? -1;
  while (cursor >= 0) {
    result.add(cursor);
    cursor = previous[cursor] ?? -1;
  }
  return result;
}

function isEmpty<T>(section: SectionDiff<T>): boolean {
  return section.added.length + section.removed.length + section.changed.length + section.reordered.length === 0;
}
