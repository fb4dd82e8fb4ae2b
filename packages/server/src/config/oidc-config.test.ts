import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';

const SSO = {
  FARAMESH_OIDC_ISSUER: 'https://idp.corp.example/realms/main',
  FARAMESH_OIDC_CLIENT_ID: 'faramesh',
  FARAMESH_OIDC_CLIENT_SECRET: 'client-secret-1',
  FARAMESH_OIDC_ROLES: 'admin=platform-admins,approver=finance|sre',
  FARAMESH_PUBLIC_URL: 'https://faramesh.corp.example/',
};
const resolve = (env: Record<string, string>, cwd = '/tmp') => resolveConfig({}, env, {}, cwd);

describe('single sign-on configuration', () => {
  it('is off without FARAMESH_OIDC_ISSUER', () => {
    expect(resolve({}).oidc).toBeNull();
    expect(() => resolve({ FARAMESH_OIDC_CLIENT_ID: 'x' })).toThrow(
      'FARAMESH_OIDC_CLIENT_ID is set but FARAMESH_OIDC_ISSUER is not',
    );
  });

  it('derives the redirect URL from the public URL and reads the documented defaults', () => {
    const config = resolve(SSO);
    expect(config.oidc).toEqual({
      issuer: 'https://idp.corp.example/realms/main',
      clientId: 'faramesh',
      clientSecret: 'client-secret-1',
      redirectUri: 'https://faramesh.corp.example/auth/callback',
      publicOrigin: 'https://faramesh.corp.example',
      scopes: ['openid', 'email', 'profile'],
      groupsClaim: 'groups',
      roles: { admin: ['platform-admins'], approver: ['finance', 'sre'] },
      providerLogout: false,
      insecureIssuer: false,
    });
    expect(config.sessions).toEqual({ idleSeconds: 1800, maxAgeSeconds: 43_200, maxPerUser: 10, secureCookie: true });
  });

  it('refuses to start with single sign-on but no public URL', () => {
    const { FARAMESH_PUBLIC_URL: _, ...withoutPublicUrl } = SSO;
    expect(() => resolve(withoutPublicUrl)).toThrow('single sign-on (FARAMESH_OIDC_ISSUER) needs FARAMESH_PUBLIC_URL');
  });

  it('requires a role mapping, and only people roles in it', () => {
    const { FARAMESH_OIDC_ROLES: _, ...withoutRoles } = SSO;
    expect(() => resolve(withoutRoles)).toThrow('FARAMESH_OIDC_ROLES is required');
    expect(() => resolve({ ...SSO, FARAMESH_OIDC_ROLES: 'agent=bots' })).toThrow('agents use tokens');
    expect(() => resolve({ ...SSO, FARAMESH_OIDC_ROLES: 'approver' })).toThrow('name=item|item');
  });

  it('reads the role mapping as JSON for group names with commas and equals signs', () => {
    const roles = JSON.stringify({ admin: ['cn=ops,ou=groups,dc=corp'], approver: ['*'] });
    expect(resolve({ ...SSO, FARAMESH_OIDC_ROLES: roles }).oidc?.roles).toEqual({
      admin: ['cn=ops,ou=groups,dc=corp'],
      approver: ['*'],
    });
    expect(() => resolve({ ...SSO, FARAMESH_OIDC_ROLES: '{"admin": "ops"}' })).toThrow('non-empty list');
    expect(() => resolve({ ...SSO, FARAMESH_OIDC_ROLES: '{admin' })).toThrow('not valid JSON');
  });

  it('accepts an http issuer only on loopback', () => {
    expect(resolve({ ...SSO, FARAMESH_OIDC_ISSUER: 'http://127.0.0.1:9000' }).oidc?.insecureIssuer).toBe(true);
    expect(() => resolve({ ...SSO, FARAMESH_OIDC_ISSUER: 'http://idp.corp.example' })).toThrow(
      'must be an https:// URL',
    );
    expect(() => resolve({ ...SSO, FARAMESH_OIDC_ISSUER: 'idp.corp.example' })).toThrow('not an absolute URL');
  });

  it('reads the client secret from a file, and refuses both or an empty file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-oidc-'));
    writeFileSync(join(dir, 'secret'), 'from-a-file\n');
    writeFileSync(join(dir, 'empty'), '\n');
    const { FARAMESH_OIDC_CLIENT_SECRET: _, ...noSecret } = SSO;
    expect(resolve({ ...noSecret, FARAMESH_OIDC_CLIENT_SECRET_FILE: 'secret' }, dir).oidc?.clientSecret).toBe(
      'from-a-file',
    );
    expect(() => resolve({ ...SSO, FARAMESH_OIDC_CLIENT_SECRET_FILE: join(dir, 'secret') })).toThrow('not both');
    expect(() => resolve({ ...noSecret, FARAMESH_OIDC_CLIENT_SECRET_FILE: join(dir, 'empty') })).toThrow('is empty');
    expect(() => resolve({ ...noSecret, FARAMESH_OIDC_CLIENT_SECRET_FILE: join(dir, 'missing') })).toThrow('ENOENT');
    // A public client (no secret): PKCE alone.
    expect(resolve(noSecret).oidc?.clientSecret).toBeNull();
  });

  it('bounds the session settings and keeps the idle timeout within the absolute one', () => {
    const config = resolve({
      ...SSO,
      FARAMESH_SESSION_IDLE_TIMEOUT: '600',
      FARAMESH_SESSION_MAX_AGE: '3600',
      FARAMESH_SESSION_MAX_PER_USER: '3',
    });
    expect(config.sessions).toMatchObject({ idleSeconds: 600, maxAgeSeconds: 3600, maxPerUser: 3 });
    expect(() => resolve({ ...SSO, FARAMESH_SESSION_IDLE_TIMEOUT: '7200', FARAMESH_SESSION_MAX_AGE: '3600' })).toThrow(
      'longer than FARAMESH_SESSION_MAX_AGE',
    );
    expect(() => resolve({ ...SSO, FARAMESH_SESSION_MAX_PER_USER: '0' })).toThrow('FARAMESH_SESSION_MAX_PER_USER');
    expect(resolve({ ...SSO, FARAMESH_PUBLIC_URL: 'http://localhost:8000' }).sessions.secureCookie).toBe(false);
  });
});
