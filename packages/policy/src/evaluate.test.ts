import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionView } from './action-view.js';
import { decide } from './decide.js';
import { evaluate } from './evaluate.js';
import { explain } from './explain.js';
import { loadPolicy } from './load-policy.js';
import type { ActionInput } from './types.js';

function load(source: string) {
  const result = loadPolicy(source, 'test.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.policy;
}

const TOOLS = ['http', 'shell', 'stripe', 'stripe_connect', 'files.read', 'db', 'other'];
const OPS = ['get', 'post', 'run', 'refund', 'read', 'delete'];

// A policy mixing literal tools, globs and tool-less rules, so the index has real work to do.
const MIXED = load(`
rules:
  - { match: { tool: shell, pattern: "rm -rf" }, deny: true }
  - { match: { tool: "stripe*", op: refund, amount_gt: 100 }, require_approval: true }
  - { match: { op: delete }, deny: true }
  - { match: { tool: http, op: get }, allow: true }
  - { match: { tool: "*.read" }, allow: true, risk: medium }
  - { match: { agent_id: "admin*" }, allow: true }
  - { match: { tool: stripe }, allow: true }
  - { match: { tool: shell, contains: ls }, allow: true }
  - { match: { tool: "*", op: post }, require_approval: true }
risk:
  rules:
    - { name: big, when: { amount_gte: 1000 }, risk_level: high }
    - { name: shell_any, when: { tool: shell }, risk_level: medium }
`);

const actionArb: fc.Arbitrary<ActionInput> = fc.record({
  agent_id: fc.constantFrom('admin-1', 'bot', 'x'),
  tool: fc.constantFrom(...TOOLS),
  operation: fc.constantFrom(...OPS),
  params: fc.record({
    amount: fc.oneof(fc.integer({ min: -10, max: 5000 }), fc.constant('250'), fc.constant('x')),
    cmd: fc.constantFrom('ls', 'rm -rf /', "r'm' -rf /", 'echo'),
  }),
  context: fc.constant({}),
});

describe('evaluate', () => {
  it('decides exactly like a linear scan of every rule in file order', () => {
    fc.assert(
      fc.property(actionArb, (action) => {
        const view = new ActionView(action);
        const { rules, riskRules } = MIXED.internals;
        const rule = rules.find((r) => r.conditions.every((c) => c.test(view))) ?? null;
        const risk = riskRules.find((r) => r.conditions.every((c) => c.test(view))) ?? null;
        expect(evaluate(MIXED, action)).toEqual(decide(rule, risk));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with explain on every field of the evaluation', () => {
    fc.assert(
      fc.property(actionArb, (action) => {
        const {
          rules: _rules,
          risk: _risk,
          normalized_command: _command,
          shell: _shell,
          ...fromExplain
        } = explain(MIXED, action);
        expect(fromExplain).toEqual(evaluate(MIXED, action));
      }),
      { numRuns: 300 },
    );
  });

  it('resolves an over-long input toward the stricter outcome for deny and allow rules alike', () => {
    const policy = load(`
rules:
  - { match: { tool: sql, pattern: "DROP\\\\s+TABLE" }, deny: true }
  - { match: { tool: sql, pattern: "SELECT\\\\s+1" }, allow: true }
`);
    const padding = 'x'.repeat(70 * 1024);
    const hidden = {
      agent_id: 'a',
      tool: 'sql',
      operation: 'q',
      params: { a: padding, q: 'DROP TABLE t' },
      context: {},
    };
    expect(evaluate(policy, hidden).decision).toBe('deny');
    // The deny rule can't rule out a DROP past the cap, so it fires even for a benign query…
    const benign = { ...hidden, params: { a: padding, q: 'SELECT 1' } };
    expect(evaluate(policy, benign).decision).toBe('deny');
    // …and an allow rule can't confirm its pattern past the cap, so it doesn't.
    const allowOnly = load('rules:\n  - { match: { tool: sql, pattern: "SELECT\\\\s+1" }, allow: true }\n');
    expect(evaluate(allowOnly, benign).reason_code).toBe('no_rule_matched');
    expect(evaluate(allowOnly, { ...benign, params: { q: 'SELECT 1' } }).decision).toBe('allow');
  });
});

describe('explain', () => {
  it('traces every rule up to the match and marks the rest not evaluated', () => {
    const result = explain(MIXED, { agent_id: 'x', tool: 'http', operation: 'get', params: {}, context: {} });
    expect(result.rules.map((r) => r.status)).toEqual([
      'not_matched',
      'not_matched',
      'not_matched',
      'matched',
      ...Array(5).fill('not_evaluated'),
    ]);
    expect(result.rules[3]?.conditions).toEqual([
      { key: 'tool', expected: 'http', actual: 'http', matched: true },
      { key: 'op', expected: 'get', actual: 'get', matched: true },
    ]);
    expect(result.risk.map((r) => r.status)).toEqual(['not_matched', 'not_matched']);
  });

  it('exposes the normalized command', () => {
    const result = explain(MIXED, {
      agent_id: 'x',
      tool: 'shell',
      operation: 'run',
      params: { cmd: '/bin/rm  -rf /' },
      context: {},
    });
    expect(result.normalized_command).toBe('rm -rf /');
    expect(result.decision).toBe('deny');
  });
});
