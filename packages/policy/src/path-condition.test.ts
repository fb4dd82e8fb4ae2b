import { describe, expect, it } from 'vitest';
import { explain } from './explain.js';
import { loadPolicy } from './load-policy.js';

const loaded = loadPolicy(
  `rules:
  - { match: { tool: fs, path_starts_with: /work/secret/ }, deny: true }
  - { match: { tool: fs, path_starts_with: /work/sandbox/ }, allow: true }
`,
  'paths.yaml',
);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
const policy = loaded.policy;

describe('path conditions in explain', () => {
  it('shows the normalised paths, where they were found and how the rule applies them', () => {
    const explanation = explain(policy, {
      agent_id: 'a',
      tool: 'fs',
      operation: 'move_file',
      params: { source: '/work/sandbox/x/../a.txt', destination: '/work/sandbox//b.txt', note: '/etc/hosts' },
      context: {},
    });
    const [deny, allow] = explanation.rules.map((rule) => rule.conditions.find((c) => c.key === 'path_starts_with'));
    const seen = {
      named: [
        { at: 'source', path: '/work/sandbox/a.txt' },
        { at: 'destination', path: '/work/sandbox/b.txt' },
      ],
      possible: [{ at: 'note', path: '/etc/hosts' }],
      unknown: [],
      unreadable: [],
    };
    expect(deny).toEqual({
      key: 'path_starts_with',
      expected: '/work/secret/',
      actual: { applies_to: 'any path', ...seen },
      matched: false,
    });
    expect(allow).toEqual({
      key: 'path_starts_with',
      expected: '/work/sandbox/',
      actual: { applies_to: 'every path', ...seen },
      matched: false,
    });
    expect(explanation.decision).toBe('deny');
  });

  it('shows why a value could not be read', () => {
    const explanation = explain(policy, {
      agent_id: 'a',
      tool: 'fs',
      operation: 'read',
      params: { path: '/work/sandbox/a\u0000' },
      context: {},
    });
    expect(explanation.rules[0]?.conditions[1]?.actual).toMatchObject({
      unreadable: [{ at: 'path', why: 'contains a NUL character' }],
    });
    expect(explanation.matched_rule?.index).toBe(0);
  });
});
