import { describe, expect, it } from 'vitest';
import { Authenticator } from './authenticator.js';

const specs = [
  { name: 'ann', role: 'approver' as const, token: 'approver-token-1' },
  { name: 'bot', role: 'agent' as const, token: 'agent-token-22' },
];

describe('Authenticator', () => {
  it('is open with no tokens and treats everyone as admin', () => {
    const auth = new Authenticator([]);
    expect(auth.openMode).toBe(true);
    expect(auth.authenticate(undefined)).toEqual({
      name: 'anonymous',
      role: 'admin',
      groups: [],
      openMode: true,
      agentIds: ['*'],
      shared: true,
    });
  });

  it('returns the role and name of a matching bearer token', () => {
    const auth = new Authenticator(specs);
    expect(auth.authenticate('Bearer agent-token-22')).toEqual({
      name: 'bot',
      role: 'agent',
      groups: [],
      openMode: false,
      agentIds: ['bot', 'bot/*'],
    });
    expect(auth.authenticate('bearer approver-token-1')?.name).toBe('ann');
  });

  it('gives each principal its groups and agent-id binding: admins any agent id, approvers none', () => {
    const auth = new Authenticator([
      ...specs,
      { name: 'etl', role: 'agent', token: 'etl-token-333', agentIds: ['etl-*'], groups: ['data'] },
      { name: 'root', role: 'admin', token: 'admin-token-44', groups: ['ops'] },
    ]);
    expect(auth.authenticate('Bearer etl-token-333')).toMatchObject({ agentIds: ['etl-*'], groups: ['data'] });
    expect(auth.authenticate('Bearer admin-token-44')).toMatchObject({ agentIds: ['*'], groups: ['ops'] });
    expect(auth.authenticate('Bearer approver-token-1')).toMatchObject({ agentIds: [], groups: [] });
  });

  it('rejects missing, malformed, prefix and wrong tokens', () => {
    const auth = new Authenticator(specs);
    for (const header of [undefined, '', 'Bearer', 'Basic agent-token-22', 'Bearer agent-token-2', 'Bearer x y']) {
      expect(auth.authenticate(header)).toBeNull();
    }
  });
});
