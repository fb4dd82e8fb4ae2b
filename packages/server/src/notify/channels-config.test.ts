import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/config.js';
import { newSecret } from './webhook-receiver.test-support.js';

/** resolveConfig with a channels file holding `yaml`; returns the error message, or null. */
function configError(yaml: string, env: Record<string, string> = {}, port = 8000): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-channels-'));
  const file = join(dir, 'channels.yaml');
  writeFileSync(file, yaml);
  try {
    resolveConfig({ policyFile: join(dir, 'p.yaml'), port }, { FARAMESH_CHANNELS_FILE: file, ...env }, {}, dir);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const hook = (url: string, secret = 'secret_env: HOOK_SECRET') =>
  `webhooks:\n  ops:\n    url: ${url}\n    events: [decision_made]\n    ${secret}\n`;

describe('channels configuration', () => {
  it('accepts a webhook with its secret from an environment variable or a file', () => {
    const secret = newSecret();
    expect(configError(hook('https://hooks.example.com/x'), { HOOK_SECRET: secret })).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-secret-'));
    writeFileSync(join(dir, 'secret'), `${secret}\n`);
    expect(configError(hook('https://hooks.example.com/x', `secret_file: ${join(dir, 'secret')}`))).toBeNull();
  });

  it('refuses non-http(s) schemes, the server itself, and a missing or inline secret, naming the key', () => {
    const env = { HOOK_SECRET: newSecret() };
    expect(configError(hook('ftp://hooks.example.com/x'), env)).toContain(
      'webhooks.ops.url must be http or https, not ftp:',
    );
    expect(configError(hook('file:///etc/passwd'), env)).toContain('must be http or https');
    expect(configError(hook('http://127.0.0.1:8000/v1/actions'), env)).toContain(
      'webhook ops points at this server itself',
    );
    expect(
      configError(hook('https://faramesh.example.com/hook'), {
        ...env,
        FARAMESH_PUBLIC_URL: 'https://faramesh.example.com',
      }),
    ).toContain('points at this server itself');
    expect(configError(hook('https://hooks.example.com/x'))).toContain('environment variable HOOK_SECRET is not set');
    expect(configError(hook('https://hooks.example.com/x', `secret_env: ${newSecret()}`))).toContain(
      'secret_env must name environment variables',
    );
    expect(configError(`${hook('https://hooks.example.com/x')}    secret: whsec_abc\n`, env)).toContain(
      'unknown key `secret`',
    );
  });

  it('never puts a secret value in an error', () => {
    const weak = 'whsec_c2hvcnQ=';
    const message = configError(hook('https://hooks.example.com/x'), { HOOK_SECRET: weak });
    expect(message).toContain('environment variable HOOK_SECRET must hold at least 24 bytes of key');
    expect(message).not.toContain(weak);
    const notWhsec = 'hunter2-not-a-secret';
    const other = configError(hook('https://hooks.example.com/x'), { HOOK_SECRET: notWhsec });
    expect(other).toContain('is not a whsec_ secret');
    expect(other).not.toContain(notWhsec);
  });

  it('reads delivery settings within bounds', () => {
    const env = { HOOK_SECRET: newSecret() };
    expect(configError(`${hook('https://h.example.com/')}delivery: { max_attempts: 0 }\n`, env)).toContain(
      'delivery.max_attempts must be an integer between 1 and 100',
    );
    expect(
      configError(`${hook('https://h.example.com/')}delivery: { max_attempts: 5, lease_ms: 30000 }\n`, env),
    ).toBeNull();
  });
});
