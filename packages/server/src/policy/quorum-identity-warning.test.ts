import { loadPolicy } from '@faramesh/policy';
import { describe, expect, it } from 'vitest';
import type { TokenSpec } from '../config/config.js';
import { type DecidingIdentities, quorumIdentityWarnings } from './quorum-identity-warning.js';

const POLICY = `
rules:
  - match: { tool: stripe }
    require_approval: true
    approvals: 2
  - match: { tool: shell }
    require_approval: true
  - match: { tool: "*" }
    allow: true
`;

function compiled() {
  const result = loadPolicy(POLICY, 'policy.yaml');
  if (!result.ok) throw new Error('the test policy must load');
  return result.policy;
}

const shared: TokenSpec = { name: 'admin', role: 'admin', token: 'shared-token-1', shared: true };
const named = (name: string, role: TokenSpec['role']): TokenSpec => ({ name, role, token: `${name}-token-1` });
const only = (tokens: TokenSpec[], more: Partial<DecidingIdentities> = {}): DecidingIdentities => ({
  tokens,
  databaseDeciders: [],
  sso: false,
  ...more,
});

describe('quorum identity warnings', () => {
  it('warns when a rule needs two approvals and one shared token is the only identity', () => {
    const warnings = quorumIdentityWarnings(compiled(), only([shared]));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('rule #1 requires 2 distinct approvals');
    expect(warnings[0]).toContain('only shared identities may decide (admin; each counts once)');
    expect(warnings[0]).toContain('can only expire or be denied');
  });

  it('warns in open mode, where every caller is one anonymous identity', () => {
    expect(quorumIdentityWarnings(compiled(), only([]))[0]).toContain('open mode');
  });

  it('does not count agent tokens, which can never approve', () => {
    expect(quorumIdentityWarnings(compiled(), only([named('ann', 'approver'), named('bot', 'agent')]))).toHaveLength(1);
  });

  it('stays quiet when enough identities may decide', () => {
    expect(quorumIdentityWarnings(compiled(), only([named('ann', 'approver'), named('bob', 'admin')]))).toEqual([]);
  });

  it('counts approver and admin tokens from the database beside the environment', () => {
    expect(quorumIdentityWarnings(compiled(), only([named('ann', 'approver')], { databaseDeciders: ['bob'] }))).toEqual(
      [],
    );
    const warnings = quorumIdentityWarnings(compiled(), only([], { databaseDeciders: ['bob'] }));
    expect(warnings[0]).toContain('1 identity may decide (bob)');
  });

  it('counts a name once when it is both an environment and a database token', () => {
    const warnings = quorumIdentityWarnings(
      compiled(),
      only([named('ann', 'approver')], { databaseDeciders: ['ann'] }),
    );
    expect(warnings).toHaveLength(1);
  });

  it('stays quiet with single sign-on, where people the server cannot count may decide', () => {
    expect(quorumIdentityWarnings(compiled(), only([shared], { sso: true }))).toEqual([]);
  });
});
