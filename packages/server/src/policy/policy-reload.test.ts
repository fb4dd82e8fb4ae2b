import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

const ALLOW_ALL = 'version: v2\nrules:\n  - match: { tool: "*" }\n    allow: true\n    description: everything\n';

let server: Awaited<ReturnType<typeof startTestServer>> | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('policy reload', () => {
  it('reloads on demand and stamps decisions with the new version and hash', async () => {
    server = await startTestServer();
    const before = (await server.app.inject({ url: '/v1/policy' })).json();
    writeFileSync(join(server.dir, 'policy.yaml'), ALLOW_ALL);
    const reloaded = await server.app.inject({ method: 'POST', url: '/v1/policy/reload' });
    expect(reloaded.json()).toMatchObject({ version: 'v2', changed: true, last_error: null });
    expect(reloaded.json().hash).not.toBe(before.hash);
    const action = (
      await server.app.inject({
        method: 'POST',
        url: '/v1/actions',
        payload: { agent_id: 'a', tool: 'ftp', operation: 'x' },
      })
    ).json();
    expect(action).toMatchObject({ status: 'allowed', policy_version: 'v2', policy_hash: reloaded.json().hash });
  });

  it('keeps the last good policy when the file becomes invalid and says why', async () => {
    server = await startTestServer();
    const good = (await server.app.inject({ url: '/v1/policy' })).json();
    writeFileSync(join(server.dir, 'policy.yaml'), 'rules:\n  - match: { tool: x, colour: red }\n    allow: true\n');
    const res = await server.app.inject({ method: 'POST', url: '/v1/policy/reload' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('policy_invalid');
    expect(res.json().error.details.diagnostics[0]).toMatchObject({ line: 2, code: expect.any(String) });
    const status = (await server.app.inject({ url: '/v1/policy' })).json();
    expect(status.hash).toBe(good.hash);
    expect(status.last_error.message).toContain('policy.yaml');
  });

  it('hot-reloads an atomic save (write to a temp file, rename over the policy)', async () => {
    server = await startTestServer({ env: { FARAMESH_HOT_RELOAD: '1' } });
    const s = server;
    const temp = join(s.dir, '.policy.yaml.swp');
    writeFileSync(temp, ALLOW_ALL);
    renameSync(temp, join(s.dir, 'policy.yaml'));
    await until(async () => (await s.app.inject({ url: '/v1/policy' })).json().version === 'v2');
    // A second atomic save to a broken file keeps v2 active.
    writeFileSync(temp, 'rules: [');
    renameSync(temp, join(s.dir, 'policy.yaml'));
    await until(async () => (await s.app.inject({ url: '/v1/policy' })).json().last_error !== null);
    expect((await s.app.inject({ url: '/v1/policy' })).json().version).toBe('v2');
  });
});
