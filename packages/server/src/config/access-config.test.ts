import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, createServer } from '../server.js';
import { startTestServer, TEST_POLICY } from '../testing/test-server.js';
import { ConfigError, resolveConfig } from './config.js';

const resolve = (env: Record<string, string>) => resolveConfig({}, env, {}, '/tmp');
const problemsOf = (env: Record<string, string>): string => {
  try {
    resolve(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
};

describe('CORS in open mode', () => {
  it('refuses FARAMESH_ENABLE_CORS=1 with origins * when no token is configured', () => {
    const message = problemsOf({ FARAMESH_ENABLE_CORS: '1' });
    expect(message).toContain('FARAMESH_CORS_ORIGINS=* in open mode');
    expect(problemsOf({ FARAMESH_ENABLE_CORS: '1', FARAMESH_CORS_ORIGINS: 'http://a.example,*' })).not.toBe('');
  });

  it('accepts listed origins in open mode, and * with tokens', () => {
    expect(resolve({ FARAMESH_ENABLE_CORS: '1', FARAMESH_CORS_ORIGINS: 'http://localhost:3000' }).enableCors).toBe(
      true,
    );
    expect(resolve({ FARAMESH_ENABLE_CORS: '1', FARAMESH_TOKEN: 'admin-token' }).corsOrigins).toEqual(['*']);
  });
});

describe('agent bindings and groups', () => {
  const TOKENS = 'bot:agent:bot-token-1,etl:agent:etl-token-2,ann:approver:ann-token-3';

  it('binds agent tokens by FARAMESH_AGENT_BINDINGS and gives groups by FARAMESH_TOKEN_GROUPS', () => {
    const config = resolve({
      FARAMESH_TOKENS: TOKENS,
      FARAMESH_TOKEN: 'root-token-4',
      FARAMESH_AGENT_BINDINGS: 'etl=etl-*|warehouse-loader',
      FARAMESH_TOKEN_GROUPS: 'ann=finance|sre, admin=ops',
    });
    const byName = Object.fromEntries(config.tokens.map((t) => [t.name, t]));
    expect(byName.etl?.agentIds).toEqual(['etl-*', 'warehouse-loader']);
    expect(byName.bot?.agentIds).toBeUndefined();
    expect(byName.ann?.groups).toEqual(['finance', 'sre']);
    expect(byName.admin?.groups).toEqual(['ops']);
  });

  it.each([
    [{ FARAMESH_AGENT_BINDINGS: 'nobody=x' }, 'no token is named "nobody"'],
    [{ FARAMESH_AGENT_BINDINGS: 'ann=x' }, '"ann" is an approver token'],
    [{ FARAMESH_AGENT_BINDINGS: 'bot=a,bot=b' }, '"bot" is bound twice'],
    [{ FARAMESH_AGENT_BINDINGS: 'bot' }, 'entries must look like name=item|item'],
    [{ FARAMESH_AGENT_BINDINGS: 'bot=a||b' }, 'entries must look like name=item|item'],
    [{ FARAMESH_TOKEN_GROUPS: 'ghost=g' }, 'no token is named "ghost"'],
    [{ FARAMESH_TOKENS: `${TOKENS},team/one:agent:team-token-5` }, 'may not contain *, /'],
    [{ FARAMESH_TOKENS: `${TOKENS},bot*:agent:star-token-6` }, 'may not contain *, /'],
  ])('refuses %j', (extra, expected) => {
    expect(problemsOf({ FARAMESH_TOKENS: TOKENS, ...extra })).toContain(expected);
  });
});

describe('FARAMESH_TOKEN next to FARAMESH_TOKENS', () => {
  it('reads a FARAMESH_TOKEN equal to a named token as that person, not a second shared admin', () => {
    // The CLI's client token exported in the shell, the server's tokens in .env: local commands
    // (archive, migrate, doctor) read both.
    const config = resolve({
      FARAMESH_TOKENS: 'root:admin:root-token-1,ann:approver:ann-token-2',
      FARAMESH_TOKEN: 'root-token-1',
    });
    expect(config.tokens.map((t) => [t.name, t.role, t.shared === true])).toEqual([
      ['root', 'admin', false],
      ['ann', 'approver', false],
    ]);
  });

  it('still refuses one secret given to two names in FARAMESH_TOKENS', () => {
    expect(problemsOf({ FARAMESH_TOKENS: 'root:admin:same-token-1,ann:approver:same-token-1' })).toContain(
      'the token of "ann" is also given to another name',
    );
  });
});

describe('allowed hosts and public URL', () => {
  it('lowercases hosts and adds the public URL host', () => {
    const config = resolve({
      FARAMESH_ALLOWED_HOSTS: 'Gate.Internal,[::2]',
      FARAMESH_PUBLIC_URL: 'https://pub.example:8443/x',
    });
    expect(config.allowedHosts).toEqual(['gate.internal', '[::2]', 'pub.example']);
    expect(config.publicUrl).toBe('https://pub.example:8443/x');
  });

  it.each([
    [{ FARAMESH_ALLOWED_HOSTS: 'gate.internal:8000' }, 'not a host name'],
    [{ FARAMESH_ALLOWED_HOSTS: 'https://gate.internal' }, 'not a host name'],
    [{ FARAMESH_PUBLIC_URL: 'gate.internal' }, 'not an absolute URL'],
    [{ FARAMESH_PUBLIC_URL: 'ftp://gate.internal' }, 'must be an http:// or https:// URL'],
  ])('refuses %j', (env, expected) => {
    expect(problemsOf(env)).toContain(expected);
  });
});

describe('open mode on a network address', () => {
  it('refuses to start on 0.0.0.0 without tokens', async () => {
    // The check runs once the database is open (a database token also ends open mode).
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-open-'));
    writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY);
    const config = resolveConfig({ host: '0.0.0.0', port: 0, policyFile: 'policy.yaml' }, {}, {}, dir);
    await expect(createServer(config, { store: createMemoryStore() })).rejects.toThrow(
      /refusing to start in open mode/,
    );
  });

  it('starts with a loud warning when FARAMESH_ALLOW_OPEN_NETWORK=1 says the exposure is intended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-open-'));
    writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY);
    const config = resolveConfig(
      { host: '0.0.0.0', port: 0, policyFile: 'policy.yaml' },
      { FARAMESH_ALLOW_OPEN_NETWORK: '1' },
      {},
      dir,
    );
    const warnings: string[] = [];
    const server = await createServer(config, {
      store: createMemoryStore(),
      logger: { info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    await server.close();
    expect(warnings.join('\n')).toContain('OPEN MODE ON A NETWORK ADDRESS (0.0.0.0');
  });

  it('starts on a network address when tokens are configured, and on loopback without them', async () => {
    for (const env of [{ FARAMESH_HOST: '0.0.0.0', FARAMESH_TOKEN: 'admin-token-1' }, { FARAMESH_HOST: '127.0.0.1' }]) {
      const server = await startTestServer({ env });
      await server.close();
    }
  });
});
