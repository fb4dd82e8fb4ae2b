import type { Evaluation } from '@faramesh/policy';
import { describe, expect, it } from 'vitest';
import { type ActiveVerdict, disagreementKind, shadowDisagreement } from './shadow-comparison.js';

const ACTIVE: ActiveVerdict = {
  id: '11111111-1111-4111-8111-111111111111',
  created_at: '2030-01-01T00:00:00.000Z',
  decision: 'allow',
  matched_rule: { index: 0, description: 'reads are fine' },
  policy_hash: 'a'.repeat(64),
};

function verdict(overrides: Partial<Evaluation>): Evaluation {
  return {
    decision: 'allow',
    reason: 'reads are fine',
    reason_code: 'rule_allow',
    risk_level: 'low',
    risk_rule: null,
    matched_rule: { index: 0, description: 'reads are fine' },
    approval: null,
    limit: null,
    ...overrides,
  };
}

const rule = (index: number, description: string | null) => ({ index, description });

// Each row: active decision and rule, shadow decision and rule, compare mode → kind (null: they agree).
const CASES: Array<
  [string, ActiveVerdict['matched_rule'], string, ActiveVerdict['matched_rule'], 'decision' | 'rule', string | null]
> = [
  ['allow', rule(0, 'reads'), 'allow', rule(0, 'reads'), 'decision', null],
  ['allow', rule(0, 'reads'), 'deny', rule(0, 'reads'), 'decision', 'decision'],
  ['deny', null, 'require_approval', rule(3, 'ask'), 'decision', 'decision'],
  ['allow', rule(0, 'reads'), 'allow', rule(4, 'other reads'), 'decision', null],
  ['allow', rule(0, 'reads'), 'allow', rule(4, 'other reads'), 'rule', 'rule'],
  // A rule added above shifts positions: same description, same rule.
  ['allow', rule(0, 'reads'), 'allow', rule(1, 'reads'), 'rule', null],
  // Without descriptions, positions are all there is to compare.
  ['allow', rule(2, null), 'allow', rule(2, null), 'rule', null],
  ['allow', rule(2, null), 'allow', rule(3, null), 'rule', 'rule'],
  ['deny', null, 'deny', null, 'rule', null],
  ['deny', null, 'deny', rule(5, 'explicit deny'), 'rule', 'rule'],
  ['deny', rule(1, 'no'), 'allow', rule(1, 'no'), 'rule', 'decision'],
];

describe('disagreement detection', () => {
  it.each(CASES)('active %s by %j vs shadow %s by %j comparing %s → %s', (a, aRule, s, sRule, mode, kind) => {
    expect(
      disagreementKind(
        { decision: a, matched_rule: aRule },
        verdict({ decision: s as Evaluation['decision'], matched_rule: sRule }),
        mode,
      ),
    ).toBe(kind);
  });

  it('describes a disagreement with both verdicts and both policy hashes', () => {
    const shadow = verdict({
      decision: 'deny',
      reason: 'no more',
      reason_code: 'rule_deny',
      matched_rule: rule(2, 'no more'),
      risk_level: 'high',
    });
    expect(shadowDisagreement(ACTIVE, shadow, 'c'.repeat(64), 'decision')).toEqual({
      action_id: ACTIVE.id,
      created_at: ACTIVE.created_at,
      kind: 'decision',
      active_decision: 'allow',
      active_rule: { index: 0, description: 'reads are fine' },
      active_policy_hash: 'a'.repeat(64),
      shadow_decision: 'deny',
      shadow_rule: { index: 2, description: 'no more' },
      shadow_reason: 'no more',
      shadow_reason_code: 'rule_deny',
      shadow_risk_level: 'high',
      shadow_policy_hash: 'c'.repeat(64),
    });
  });

  it('records nothing when the two policies agree', () => {
    expect(shadowDisagreement(ACTIVE, verdict({}), 'c'.repeat(64), 'rule')).toBeUndefined();
  });
});

describe('shadowDisagreement: redacted values', () => {
  const limit = {
    measure: 'sum' as const,
    sum: 'amount',
    max: 100,
    per_ms: 3_600_000,
    by: ['agent_id'],
    over_limit: 'deny' as const,
    text: 'limit sum(amount) 100 per 1h by agent_id',
    rule: 0,
    key: 'k',
    amount: 4242,
    used: 0,
    reached: true,
  };
  const over = verdict({
    decision: 'deny',
    reason: 'limit sum(amount) 100 per 1h by agent_id reached: 0 used, this call 4242',
    reason_code: 'limit_reached',
    limit,
  });

  it('names only the limit when its reason would say a redacted amount', () => {
    const stored = shadowDisagreement(ACTIVE, over, 'b'.repeat(64), 'decision', ['params.Amount']);
    expect(stored?.shadow_reason).toBe(
      "limit sum(amount) 100 per 1h by agent_id reached (the usage isn't shown: the limit reads a redacted value)",
    );
    expect(JSON.stringify(stored)).not.toContain('4242');
  });

  it('keeps the reason when the limit reads nothing redacted', () => {
    expect(shadowDisagreement(ACTIVE, over, 'b'.repeat(64), 'decision', ['params.api_key'])?.shadow_reason).toBe(
      over.reason,
    );
  });
});
