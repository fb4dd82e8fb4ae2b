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
    expect(auth.authenticate(undefined)).toEqual({ name: 'anonymous', role: 'admin', openMode: true, shared: true });
  });

  it('returns the role and name of a matching bearer token', () => {
    const auth = new Authenticator(specs);
    expect(auth.authenticate('Bearer agent-token-22')).toEqual({ name: 'bot', role: 'agent', openMode: false });
    expect(auth.authenticate('bearer approver-token-1')?.name).toBe('ann');
  });

  it('rejects missing, malformed, prefix and wrong tokens', () => {
    const auth = new Authenticator(specs);
    for (const header of [undefined, '', 'Bearer', 'Basic agent-token-22', 'Bearer agent-token-2', 'Bearer x y']) {
      expect(auth.authenticate(header)).toBeNull();
    }
  });
});
