import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type RunningServer, runCli, runNpx, startServer } from './harness.js';

const SHARED = 'seed-shared-token-0123';

/** Submits the way the seed README shows it: curl with the one token. */
async function curlSubmit(url: string, cmd: string) {
  const { stdout } = await promisify(execFile)('curl', [
    '-s',
    '-X',
    'POST',
    `${url}/v1/actions`,
    '-H',
    'Content-Type: application/json',
    '-H',
    `Authorization: Bearer ${SHARED}`,
    '-d',
    JSON.stringify({ agent_id: 'my-agent', tool: 'shell', operation: 'run', params: { cmd } }),
  ]);
  return JSON.parse(stdout);
}

// The seeds document one token for the SDK, the CLI and the UI alike: the agent submits with it and a
// human approves with `faracore approve` and the same token. That is one identity, so separation of
// duties can't apply: the flow works, and the server says so loudly.
describe('the seed flow with one shared token', () => {
  let server: RunningServer;
  let cliEnv: Record<string, string>;
  beforeAll(async () => {
    server = await startServer({ env: { FARACORE_TOKEN: SHARED } });
    const { hostname, port } = new URL(server.url);
    cliEnv = { FARACORE_TOKEN: SHARED, FARACORE_HOST: hostname, FARACORE_PORT: port };
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('warns at start that the shared token does not separate duties, naming FARAMESH_TOKENS', async () => {
    // The start-up summary follows the "listening on" line the harness waits for.
    for (let i = 0; i < 100 && !server.output().includes('FARAMESH_TOKENS='); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.output()).toMatch(
      /warning: FARAMESH_TOKEN is a shared identity \(admin\).*separation of duties is NOT enforced/,
    );
    expect(server.output()).toContain('FARAMESH_TOKENS=name:role:token');
  });

  it('approves with `npx faracore approve <prefix>` what curl submitted with the same token', async () => {
    const action = await curlSubmit(server.url, 'ls -la /tmp');
    expect(action.status).toBe('pending_approval');
    const out = await runNpx(['faracore', 'approve', action.id.slice(0, 8), '--reason', 'Looks safe'], cliEnv);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Approved ${action.id.slice(0, 8)}`);
    const events = (await api(server.url, `/v1/actions/${action.id}/events`, { token: SHARED })).json;
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['created', 'decision_made', 'approved']);
    expect(events[2].meta).toEqual({
      by: 'admin',
      role: 'admin',
      reason: 'Looks safe',
      self_approval: true,
      approvals: ['admin'],
      approvals_required: 1,
      remaining: 0,
    });
  });

  it('denies with `faramesh deny <prefix>` and the same token too', async () => {
    const action = await curlSubmit(server.url, 'shutdown -h now');
    const out = await runCli(['deny', action.id.slice(0, 8)], { env: cliEnv });
    expect(out.code).toBe(0);
    const after = (await api(server.url, `/v1/actions/${action.id}`, { token: SHARED })).json;
    expect(after).toMatchObject({ status: 'denied', approval_decided_by: 'admin', submitted_by: 'admin' });
  });

  it('says in whoami and in `faramesh doctor` that duties are not separated', async () => {
    const me = (await api(server.url, '/v1/auth/whoami', { token: SHARED })).json;
    expect(me).toEqual({
      name: 'admin',
      role: 'admin',
      open_mode: false,
      shared_identity: true,
      separation_of_duties: false,
      groups: [],
      source: 'env',
    });
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-doctor-'));
    const doctor = await runCli(['doctor', '--policy', server.policy], { cwd: dir, env: cliEnv });
    expect(doctor.stdout).toMatch(
      /^! Auth token configured .*FARAMESH_TOKEN is one shared identity: separation of duties is not enforced/m,
    );
    expect(doctor.stdout).toContain('FARAMESH_TOKENS=name:role:token');
    expect(doctor.stdout).toContain(`(as admin (admin, a shared identity: duties not separated))`);
  });
});

const ROOT_TOKEN = 'named-admin-token-01';
const BOT_TOKEN = 'named-agent-token-02';
const ANN_TOKEN = 'named-approver-token-03';

// Named identities keep the rule strict: nobody decides their own action, admins included.
describe('named identities', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      env: { FARAMESH_TOKENS: `root:admin:${ROOT_TOKEN},bot:agent:${BOT_TOKEN},ann:approver:${ANN_TOKEN}` },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a named admin approving its own action from the CLI, and lets another identity decide', async () => {
    const action = (
      await api(server.url, '/v1/actions', {
        token: ROOT_TOKEN,
        body: { agent_id: 'root', tool: 'shell', operation: 'run', params: { cmd: 'id' } },
      })
    ).json;
    const env = { FARAMESH_BASE_URL: server.url, FARAMESH_TOKEN: ROOT_TOKEN };
    const own = await runCli(['approve', action.id.slice(0, 8)], { env });
    expect(own.code).toBe(1);
    expect(own.stderr.trim().split('\n')).toHaveLength(1);
    expect(own.stderr).toContain('self_approval_forbidden');
    expect(server.output()).not.toContain('shared identity');

    const other = await runCli(['approve', action.id.slice(0, 8)], {
      env: { FARAMESH_BASE_URL: server.url, FARAMESH_TOKEN: ANN_TOKEN },
    });
    expect(other.code).toBe(0);
    const events = (await api(server.url, `/v1/actions/${action.id}/events`, { token: ROOT_TOKEN })).json;
    expect(events[2].meta).toEqual({
      by: 'ann',
      role: 'approver',
      reason: null,
      approvals: ['ann'],
      approvals_required: 1,
      remaining: 0,
    });
  });
});
