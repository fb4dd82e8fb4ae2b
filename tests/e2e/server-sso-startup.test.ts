import { describe, expect, it } from 'vitest';
import { unusedLoopbackPort } from '../../packages/server/src/testing/free-port.js';
import { failToStart, startServer, workDir } from './harness.js';

const SSO = {
  FARAMESH_OIDC_CLIENT_ID: 'faramesh',
  FARAMESH_OIDC_CLIENT_SECRET: 'client-secret-123',
  FARAMESH_OIDC_ROLES: 'approver=finance',
};

describe('faramesh serve with single sign-on', () => {
  it('refuses to start with an OpenID provider but no public URL, saying why in one message', async () => {
    const { code, output } = await failToStart({
      ...workDir(),
      env: { ...SSO, FARAMESH_OIDC_ISSUER: 'https://idp.corp.example' },
    });
    expect(code).toBe(1);
    expect(output).toContain('single sign-on (FARAMESH_OIDC_ISSUER) needs FARAMESH_PUBLIC_URL');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('starts while the provider is unreachable, keeps tokens working, and answers login with sso_unavailable', async () => {
    const server = await startServer({
      env: {
        ...SSO,
        FARAMESH_OIDC_ISSUER: `http://127.0.0.1:${await unusedLoopbackPort()}`,
        FARAMESH_PUBLIC_URL: 'http://127.0.0.1:8000',
        FARAMESH_TOKENS: 'ann:approver:ann-token-0123456789',
      },
    });
    try {
      expect(server.output()).toMatch(/single sign-on unavailable: discovery at http:\/\/127\.0\.0\.1:\d+\/ failed/);
      expect(server.output()).not.toContain('open mode');
      expect(server.output()).not.toContain('client-secret-123');
      const login = await fetch(`${server.url}/auth/login`);
      expect(login.status).toBe(503);
      expect(((await login.json()) as { error: { code: string } }).error.code).toBe('sso_unavailable');
      const me = await fetch(`${server.url}/v1/auth/whoami`, {
        headers: { authorization: 'Bearer ann-token-0123456789' },
      });
      expect(await me.json()).toMatchObject({ name: 'ann', source: 'env' });
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
