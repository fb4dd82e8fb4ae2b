/**
 * The number a person reads for a rule: 1-based, so `#1` is the first rule in the file. The wire's
 * `matched_rule.index` (and a trace's `index`) stays the 0-based position in `rules`.
 */
export function ruleNumber(index: number): string {
  return `#${index + 1}`;
}
