import { describe, expect, it } from 'vitest';
import { diffPolicies } from './diff-policies.js';
import { loadPolicy } from './load-policy.js';

function load(rules: string) {
  const result = loadPolicy(`rules:\n${rules}`, 'p.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.policy;
}

const A = '  - { match: { tool: a }, allow: true, description: A }\n';
const B = '  - { match: { tool: b }, deny: true, description: B }\n';
const C = '  - { match: { tool: c }, allow: true, description: C }\n';

describe('diffPolicies', () => {
  it('reports identical policies as identical even when formatting differs', () => {
    const diff = diffPolicies(load(A + B), load(`${A}\n# comment\n${B}`));
    expect(diff.identical).toBe(true);
    expect(diff.rules.unchanged).toBe(2);
  });

  it('reports an insertion as one added rule, not as every later rule moving', () => {
    const diff = diffPolicies(load(A + B), load(C + A + B));
    expect(diff.rules.added.map((r) => r.description)).toEqual(['C']);
    expect(diff.rules.reordered).toEqual([]);
  });

  it('reports a swap as a reorder with old and new indexes', () => {
    const diff = diffPolicies(load(A + B + C), load(B + A + C));
    expect(diff.rules.reordered.map((m) => [m.old_index, m.new_index])).toEqual([[0, 1]]);
  });

  it('reports an effect change on the same match as a change, not remove + add', () => {
    const diff = diffPolicies(load(A), load('  - { match: { tool: a }, deny: true, description: A }\n'));
    expect(diff.rules.changed.map((c) => c.fields)).toEqual([['effect']]);
    expect(diff.rules.added).toEqual([]);
  });

  it('pairs by description when the match changed', () => {
    const diff = diffPolicies(load(A), load('  - { match: { tool: "a*" }, allow: true, description: A }\n'));
    expect(diff.rules.changed.map((c) => c.fields)).toEqual([['match']]);
  });

  it('reports removed rules and risk rule changes by name', () => {
    const before = loadPolicy(
      `rules:\n${A}${B}risk:\n  rules:\n    - { name: r, when: { tool: a }, risk_level: low }\n`,
      'p.yaml',
    );
    const after = loadPolicy(
      `rules:\n${A}risk:\n  rules:\n    - { name: r, when: { tool: a }, risk_level: high }\n`,
      'p.yaml',
    );
    if (!before.ok || !after.ok) throw new Error('invalid');
    const diff = diffPolicies(before.policy, after.policy);
    expect(diff.rules.removed.map((r) => r.description)).toEqual(['B']);
    expect(diff.risk_rules.changed.map((c) => c.fields)).toEqual([['risk_level']]);
  });
});
