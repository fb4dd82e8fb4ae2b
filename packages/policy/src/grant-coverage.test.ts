import { describe, expect, it } from 'vitest';
import type { ApprovalRequirement } from './approval-requirement.js';
import { type GrantCandidateCall, type GrantTerms, grantCovers } from './grant-coverage.js';
import type { Evaluation } from './types.js';

const scope = { tool: 'stripe', operation: 'refund', agent_id: 'bot-1', params: { amount: { at_most: 100 } } };
const finance: ApprovalRequirement = {
  approvers: ['finance'],
  approvals: 2,
  expires_in_ms: null,
  escalate: [],
  groups: { finance: ['alice', 'bob', 'carol'] },
};

function verdict(overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    decision: 'require_approval',
    reason: 'refunds need approval',
    reason_code: 'rule_require_approval',
    risk_level: 'medium',
    risk_rule: null,
    matched_rule: { index: 0, description: null },
    approval: null,
    limit: null,
    ...overrides,
  };
}

function call(overrides: Partial<GrantCandidateCall> = {}, amount = 40): GrantCandidateCall {
  return {
    action: { agent_id: 'bot-1', tool: 'stripe', operation: 'refund', params: { amount }, context: {} },
    verdict: verdict(),
    submitter: 'bot-1',
    submitter_may_decide: false,
    ...overrides,
  };
}

const creator = (name: string, mayGrantHighRisk = false) => ({
  name,
  groups: [],
  may_grant_high_risk: mayGrantHighRisk,
});
const terms = (overrides: Partial<GrantTerms> = {}): GrantTerms => ({
  scope,
  high_risk: false,
  creators: [creator('alice')],
  ...overrides,
});

describe('grantCovers', () => {
  it('covers a call the policy sends to approval when the scope holds', () => {
    expect(grantCovers(terms(), call(), 0)).toEqual({ covered: true });
  });

  it("never lifts a limit: a call over its rule's limit is not covered", () => {
    const limit = {
      measure: 'count' as const,
      sum: null,
      max: 3,
      per_ms: 3_600_000,
      by: ['agent_id'],
      over_limit: 'require_approval' as const,
      text: 'limit 3 per 1h by agent_id',
      rule: 0,
      key: 'k',
      amount: 1,
      used: 3,
      reached: true,
    };
    const over = verdict({ reason_code: 'limit_reached', limit });
    expect(grantCovers(terms(), call({ verdict: over }), 0)).toMatchObject({ covered: false, refusal: 'limit' });
    const within = verdict({ limit: { ...limit, used: 1, reached: false } });
    expect(grantCovers(terms(), call({ verdict: within }), 0)).toEqual({ covered: true });
  });

  it('never overrides a deny, and has nothing to do for an allow', () => {
    const denied = grantCovers(terms(), call({ verdict: verdict({ decision: 'deny', reason_code: 'rule_deny' }) }), 0);
    expect(denied).toMatchObject({ covered: false, refusal: 'not_require_approval' });
    const allowed = grantCovers(terms(), call({ verdict: verdict({ decision: 'allow' }) }), 0);
    expect(allowed).toMatchObject({ covered: false, refusal: 'not_require_approval' });
  });

  it('does not cover a high-risk call unless the grant says so and its creators may grant high risk', () => {
    const high = call({ verdict: verdict({ risk_level: 'high', reason_code: 'high_risk_upgrade' }) });
    expect(grantCovers(terms(), high, 0)).toMatchObject({ covered: false, refusal: 'high_risk' });
    expect(grantCovers(terms({ high_risk: true }), high, 0)).toEqual({
      covered: false,
      refusal: 'high_risk',
      why: 'alice may not grant high-risk calls',
    });
    expect(grantCovers(terms({ high_risk: true, creators: [creator('alice', true)] }), high, 0)).toEqual({
      covered: true,
    });
  });

  it('needs as many qualifying creators as the rule needs approvals', () => {
    const needsTwo = call({ verdict: verdict({ approval: finance }) });
    expect(grantCovers(terms(), needsTwo, 0)).toEqual({
      covered: false,
      refusal: 'approvers',
      why: 'the rule needs 2 approvals; the grant was made by 1',
    });
    expect(grantCovers(terms({ creators: [creator('alice'), creator('bob')] }), needsTwo, 0)).toEqual({
      covered: true,
    });
  });

  it('counts only creators the rule names as approvers', () => {
    const needsTwo = call({ verdict: verdict({ approval: finance }) });
    const outsider = grantCovers(terms({ creators: [creator('alice'), creator('mallory')] }), needsTwo, 0);
    expect(outsider).toMatchObject({ covered: false, refusal: 'approvers' });
    expect(outsider.covered === false && outsider.why).toMatch(/mallory may not decide/);
  });

  it('counts one identity once however often it is listed', () => {
    const needsTwo = call({ verdict: verdict({ approval: finance }) });
    const twice = grantCovers(terms({ creators: [creator('alice'), creator('alice')] }), needsTwo, 0);
    expect(twice).toMatchObject({ covered: false, refusal: 'approvers' });
  });

  it('never lets a named creator cover their own submissions', () => {
    expect(grantCovers(terms(), call({ submitter: 'alice' }), 0)).toMatchObject({
      covered: false,
      refusal: 'approvers',
    });
    // One shared identity can't be separated from itself (as with approvals).
    expect(grantCovers(terms(), call({ submitter: 'alice', submitter_may_decide: true }), 0)).toEqual({
      covered: true,
    });
  });

  it('does not cover a call outside the scope', () => {
    expect(grantCovers(terms(), call({}, 500), 0)).toMatchObject({ covered: false, refusal: 'scope' });
  });
});

describe('grantCovers on a grant held across calls (its checks worked out once)', () => {
  it('answers each submitter and each requirement of one grant for itself', () => {
    const held = terms({ creators: [creator('alice'), creator('bob')] });
    const twoOfFinance = verdict({ approval: finance });
    expect(grantCovers(held, call({ verdict: twoOfFinance, submitter: 'carol' }), 0)).toEqual({ covered: true });
    // Alice made the grant: between named identities her own call can't count her approval.
    expect(grantCovers(held, call({ verdict: twoOfFinance, submitter: 'alice' }), 0)).toMatchObject({
      covered: false,
      refusal: 'approvers',
    });
    // A shared identity may count as its own approver.
    const shared = call({ verdict: twoOfFinance, submitter: 'alice', submitter_may_decide: true });
    expect(grantCovers(held, shared, 0)).toEqual({ covered: true });
    expect(grantCovers(held, call({ verdict: twoOfFinance, submitter: 'carol' }), 0)).toEqual({ covered: true });
    // The same grant under a rule needing three approvals: made by two, it no longer suffices.
    const three = verdict({ approval: { ...finance, approvals: 3 } });
    expect(grantCovers(held, call({ verdict: three, submitter: 'carol' }), 0)).toMatchObject({ refusal: 'approvers' });
    expect(grantCovers(held, call({ verdict: twoOfFinance, submitter: 'carol' }), 0)).toEqual({ covered: true });
  });

  it('checks every call against the scope, whatever the previous call was', () => {
    const held = terms();
    expect(grantCovers(held, call({}, 40), 0)).toEqual({ covered: true });
    expect(grantCovers(held, call({}, 400), 0)).toMatchObject({ covered: false, refusal: 'scope' });
    expect(grantCovers(held, call({}, 100), 0)).toEqual({ covered: true });
  });
});
