import { describe, expect, it } from 'vitest';
import { identityFromClaims, MAX_GROUPS, roleOf } from './oidc-identity.js';

const ISSUER = 'https://idp.corp.example/';
const ROLES = { admin: ['platform-admins'], approver: ['finance', 'sre'] };
const map = (claims: Record<string, unknown>, groupsClaim = 'groups', roles = ROLES) =>
  identityFromClaims(claims, ISSUER, { groupsClaim, roles });

describe('OpenID Connect claims to a principal', () => {
  it('names the person by email and keys them by issuer and subject', () => {
    expect(map({ sub: 'u-1', email: 'alice@corp.example', preferred_username: 'alice', groups: ['finance'] })).toEqual({
      subject: `${ISSUER} u-1`,
      name: 'alice@corp.example',
      groups: ['finance'],
      role: 'approver',
    });
  });

  it('falls back to preferred_username, then to sub, when there is no usable email', () => {
    expect(map({ sub: 'u-1', preferred_username: 'alice', groups: ['sre'] })).toMatchObject({ name: 'alice' });
    expect(map({ sub: 'u-1', groups: ['sre'] })).toMatchObject({ name: 'u-1' });
    expect(map({ sub: 'u-1', email: 42, preferred_username: 'alice' })).toMatchObject({ name: 'alice' });
    expect(map({ sub: 'u-1', email: 'a\u0000b@corp.example', preferred_username: 'alice' })).toMatchObject({
      name: 'alice',
    });
    expect(map({ sub: 'u-1', email: `${'a'.repeat(300)}@corp.example` })).toMatchObject({ name: 'u-1' });
  });

  it('does not name anyone by an email the provider says is unverified', () => {
    expect(
      map({ sub: 'u-1', email: 'ceo@corp.example', email_verified: false, preferred_username: 'mallory' }),
    ).toMatchObject({
      name: 'mallory',
    });
    expect(map({ sub: 'u-1', email: 'alice@corp.example', email_verified: true })).toMatchObject({
      name: 'alice@corp.example',
    });
  });

  it('refuses claims without a usable subject', () => {
    expect(map({ email: 'alice@corp.example', groups: ['finance'] })).toEqual({
      problem: 'the provider sent no usable subject (sub) claim',
    });
    expect(map({ sub: '', groups: ['finance'] })).toHaveProperty('problem');
  });

  it('gives admin over approver, and no role when no group is mapped', () => {
    expect(map({ sub: 'u', groups: ['finance', 'platform-admins'] })).toMatchObject({ role: 'admin' });
    expect(map({ sub: 'u', groups: ['marketing'] })).toMatchObject({ role: null, groups: ['marketing'] });
    expect(map({ sub: 'u' })).toMatchObject({ role: null, groups: [] });
  });

  it('maps everyone signed in only where the mapping says *', () => {
    expect(roleOf([], { admin: [], approver: ['*'] })).toBe('approver');
    expect(roleOf(['x'], { admin: ['*'], approver: [] })).toBe('admin');
    expect(roleOf([], { admin: [], approver: [] })).toBeNull();
    // A group literally named "*" at the provider is just a group, not a wildcard in the mapping.
    expect(roleOf(['*'], { admin: [], approver: ['finance'] })).toBeNull();
  });

  it('reads groups from another claim, a dotted path, or a single string; drops what is not a name', () => {
    expect(map({ sub: 'u', roles: ['sre'] }, 'roles')).toMatchObject({ groups: ['sre'], role: 'approver' });
    expect(map({ sub: 'u', realm_access: { roles: ['finance'] } }, 'realm_access.roles')).toMatchObject({
      groups: ['finance'],
      role: 'approver',
    });
    // A claim whose name contains dots (Auth0's namespaced claims) is read as it is.
    expect(map({ sub: 'u', 'https://corp.example/groups': ['sre'] }, 'https://corp.example/groups')).toMatchObject({
      role: 'approver',
    });
    expect(map({ sub: 'u', groups: 'finance' })).toMatchObject({ groups: ['finance'] });
    expect(map({ sub: 'u', groups: ['sre', 7, null, '', { a: 1 }, 'sre', 'a\nb'] })).toMatchObject({ groups: ['sre'] });
    expect(map({ sub: 'u', groups: { finance: true } })).toMatchObject({ groups: [], role: null });
    expect(map({ sub: 'u', groups: ['finance'] }, '__proto__.polluted')).toMatchObject({ groups: [] });
  });

  it('refuses a groups claim longer than it keeps, rather than dropping groups a policy may deny by', () => {
    const many = Array.from({ length: MAX_GROUPS + 1 }, (_, i) => `g${i}`);
    expect(map({ sub: 'u', groups: many })).toEqual({
      problem: `the groups claim lists more than ${MAX_GROUPS} groups`,
    });
    expect(map({ sub: 'u', groups: many.slice(0, MAX_GROUPS) })).toMatchObject({ role: null });
  });
});
