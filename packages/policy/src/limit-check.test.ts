import { describe, expect, it } from 'vitest';
import { diffPolicies } from './diff-policies.js';
import { evaluate } from './evaluate.js';
import { withWindowUsage } from './limit-check.js';
import { loadPolicy } from './load-policy.js';

function policy(rule: string) {
  const loaded = loadPolicy(`rules:\n  - ${rule}\n`, 'test.yaml');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.policy;
}

const refund = { agent_id: 'bot', tool: 'stripe', operation: 'refund', params: { amount: 10 }, context: {} };

describe('limit keys', () => {
  it('keeps the key when max or per change, so history keeps counting', () => {
    const before = evaluate(policy('{ match: { tool: stripe }, allow: true, limit: { count: 5, per: 1h } }'), refund);
    const after = evaluate(policy('{ match: { tool: stripe }, allow: true, limit: { count: 50, per: 1d } }'), refund);
    expect(before.limit?.key).toMatch(/^[\w-]{22}$/);
    expect(after.limit?.key).toBe(before.limit?.key);
  });

  it('separates counts and sums of the same rule', () => {
    const count = evaluate(policy('{ match: { tool: stripe }, allow: true, limit: { count: 5, per: 1h } }'), refund);
    const sum = evaluate(
      policy('{ match: { tool: stripe }, allow: true, limit: { sum: amount, max: 5, per: 1h } }'),
      refund,
    );
    expect(sum.limit?.key).not.toBe(count.limit?.key);
  });

  it('keys a named rule by its name, an unnamed one by its match', () => {
    const named = (match: string) =>
      evaluate(policy(`{ name: r, match: ${match}, allow: true, limit: { count: 5, per: 1h } }`), refund).limit?.key;
    const unnamed = (match: string) =>
      evaluate(policy(`{ match: ${match}, allow: true, limit: { count: 5, per: 1h } }`), refund).limit?.key;
    expect(named('{ tool: stripe }')).toBe(named('{ tool: "str*" }'));
    expect(unnamed('{ tool: stripe }')).not.toBe(unnamed('{ tool: "str*" }'));
  });

  it('splits the key by the by values, and tells an absent field from null', () => {
    const byCustomer = policy(
      '{ match: { tool: stripe }, allow: true, limit: { count: 5, per: 1h, by: [params.customer] } }',
    );
    const keyOf = (params: Record<string, unknown>) => evaluate(byCustomer, { ...refund, params }).limit?.key;
    expect(keyOf({ customer: 'a' })).toBe(keyOf({ customer: 'a', amount: 3 }));
    expect(keyOf({ customer: 'a' })).not.toBe(keyOf({ customer: 'b' }));
    expect(keyOf({})).not.toBe(keyOf({ customer: null }));
  });
});

describe('limit usage', () => {
  const limited = policy('{ match: { tool: stripe }, allow: true, limit: { count: 3, per: 1h } }');
  const key = evaluate(limited, refund).limit?.key ?? '';

  it('reads usage it cannot trust as the whole budget spent', () => {
    for (const used of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(evaluate(limited, refund, new Map([[key, used]])).decision).toBe('require_approval');
    }
  });

  it('reports the check with the decision, within the limit too', () => {
    expect(evaluate(limited, refund, new Map([[key, 2]])).limit).toMatchObject({
      text: 'limit 3 per 1h',
      used: 2,
      amount: 1,
      reached: false,
      over_limit: 'require_approval',
    });
  });

  it('has no limit on decisions of rules without one', () => {
    expect(evaluate(policy('{ match: { tool: stripe }, allow: true }'), refund).limit).toBeNull();
  });
});

describe('policy diff', () => {
  it('shows a changed limit as a changed rule', () => {
    const diff = diffPolicies(
      policy('{ match: { tool: stripe }, allow: true, limit: { count: 3, per: 1h } }'),
      policy('{ match: { tool: stripe }, allow: true, limit: { count: 30, per: 1h } }'),
    );
    expect(diff.identical).toBe(false);
    expect(JSON.stringify(diff.rules)).toContain('limit');
  });
});

describe('a budget already spent', () => {
  it('takes no amount, however small, and still takes nothing', () => {
    const budget = loadPolicy(
      'rules:\n  - { match: { tool: stripe }, allow: true, limit: { sum: amount, max: 1000, per: 1h }, over_limit: deny }\n',
      'p.yaml',
    );
    if (!budget.ok) throw new Error(JSON.stringify(budget.diagnostics));
    const decide = (amount: number, used: number) =>
      withWindowUsage(evaluate(budget.policy, { ...refund, params: { amount } }), used).decision;
    // 1000 + 1e-14 is 1000 in doubles: without its own check it would fit.
    expect(decide(1e-14, 1000)).toBe('deny');
    expect(decide(0, 1000)).toBe('allow');
    expect(decide(1e-14, 999)).toBe('allow');
  });
});

describe('withWindowUsage', () => {
  it('decides exactly as evaluate does with the usage given as data', () => {
    const limited = loadPolicy(
      `rules:
  - { match: { tool: stripe }, allow: true, limit: { sum: amount, max: 100, per: 1h, by: [agent_id] }, over_limit: deny }
  - { match: { tool: deploy }, allow: true, risk: high, limit: { count: 2, per: 1h } }
  - { match: { tool: "*" }, allow: true }
`,
      'p.yaml',
    );
    if (!limited.ok) throw new Error(JSON.stringify(limited.diagnostics));
    const actions = [
      refund,
      { ...refund, params: { amount: 150 } },
      { ...refund, params: { amount: 'x' } },
      { ...refund, tool: 'deploy' },
      { ...refund, tool: 'other' },
    ];
    for (const action of actions) {
      const first = evaluate(limited.policy, action);
      for (const used of [0, 1, 2, 89.5, 90, 95, 100, 250, -3, Number.NaN]) {
        const usage = new Map(first.limit === null ? [] : [[first.limit.key, used]]);
        expect(withWindowUsage(first, used)).toEqual(evaluate(limited.policy, action, usage));
      }
    }
  });
});
