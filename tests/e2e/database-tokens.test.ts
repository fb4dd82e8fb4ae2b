import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import { api, type RunningServer, runCli, startServer, workDir } from './harness.js';

const shell = (agent: string) => ({ agent_id: agent, tool: 'shell', operation: 'run', params: { cmd: 'ls' } });

/**
 * Revocation and expiry refuse a database token on the very next request on every server sharing
 * the database: there is no cache, so the bound is zero, and these tests wait for nothing between
 * the revocation's answer and the refused request.
 */
async function expectRevocationEverywhere(servers: RunningServer[], admin: string, rounds: number) {
  for (let round = 0; round < rounds; round++) {
    const [maker, other] = round % 2 === 0 ? servers : [...servers].reverse();
    const created = await api(maker!.url, '/v1/tokens', {
      token: admin,
      body: { name: `person-${round}`, role: 'approver' },
    });
    expect(created.status).toBe(201);
    const secret = created.json.secret as string;
    for (const server of servers) {
      expect((await api(server.url, '/v1/auth/whoami', { token: secret })).json.name).toBe(`person-${round}`);
    }
    const revoked = await api(other!.url, `/v1/tokens/person-${round}/revoke`, { token: admin, body: {} });
    expect(revoked.json.status).toBe('revoked');
    for (const server of servers) {
      const refused = await api(server.url, '/v1/auth/whoami', { token: secret });
      expect(refused.status).toBe(401);
      expect(refused.json.error.details.reason).toBe('token_revoked');
    }
  }
}

async function expectExpiryEverywhere(servers: RunningServer[], admin: string) {
  const created = await api(servers[0]!.url, '/v1/tokens', {
    token: admin,
    body: { name: 'brief', role: 'approver', expires_in: '2s' },
  });
  const expiresAt = Date.parse(created.json.expires_at);
  for (const server of servers) {
    expect((await api(server.url, '/v1/auth/whoami', { token: created.json.secret })).status).toBe(200);
  }
  await new Promise((done) => setTimeout(done, Math.max(0, expiresAt - Date.now()) + 50));
  for (const server of servers) {
    const refused = await api(server.url, '/v1/auth/whoami', { token: created.json.secret });
    expect(refused.json.error.details.reason).toBe('token_expired');
  }
}

describe('database tokens on two servers sharing one SQLite file', () => {
  const base = workDir();
  let a: RunningServer;
  let b: RunningServer;
  let admin: string;
  const cli = (args: string[], token = admin) =>
    runCli(args, { cwd: base.dir, env: { FARAMESH_BASE_URL: a.url, FARAMESH_TOKEN: token, NO_COLOR: '1' } });

  beforeAll(async () => {
    // Bootstrap: the first admin goes straight into the database file, before any server runs.
    const made = await runCli(['token', 'create', '--name', 'root', '--role', 'admin', '--local', '--db', base.db], {
      cwd: base.dir,
    });
    expect(made.code, made.stderr).toBe(0);
    admin = made.stdout.trim();
    expect(admin).toMatch(/^fm_[0-9A-Za-z]{49}$/);
    expect(made.stderr).toContain('only time the secret is shown');
    [a, b] = await Promise.all([startServer({ dir: base.dir }), startServer({ dir: base.dir })]);
  });
  afterAll(async () => {
    for (const server of [a, b]) await server?.stop();
  });

  it('starts out of open mode because the database holds a token, and knows the bootstrapped admin', async () => {
    expect((await api(a.url, '/v1/actions')).status).toBe(401);
    const me = (await api(b.url, '/v1/auth/whoami', { token: admin })).json;
    expect(me).toMatchObject({ name: 'root', role: 'admin', source: 'database', open_mode: false });
    expect(me.token_id).toEqual(expect.any(String));
  });

  it('creates, lists and revokes with the CLI; the other server refuses the revoked token at once', async () => {
    const created = await cli([
      'token',
      'create',
      '--name',
      'alice',
      '--role',
      'approver',
      '--groups',
      'finance,sre',
      '--expires',
      '90d',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout);
    expect(token).toMatchObject({ name: 'alice', groups: ['finance', 'sre'], created_by: 'root' });
    const action = (await api(a.url, '/v1/actions', { token: admin, body: shell('bot') })).json;
    const approval = await api(b.url, `/v1/actions/${action.id}/approval`, {
      token: token.secret,
      body: { token: action.approval_token, approve: true },
    });
    expect(approval.json).toMatchObject({ status: 'approved', approval_decided_by: 'alice' });

    const listed = await cli(['token', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/alice\s+approver\s+finance,sre\s+active/);
    expect(listed.stdout).toMatch(/root\s+admin/);
    expect(listed.stdout).not.toContain(token.secret.slice(3));

    const revoked = await cli(['token', 'revoke', 'alice']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('Revoked token alice');
    expect((await api(b.url, '/v1/auth/whoami', { token: token.secret })).status).toBe(401);
    expect((await cli(['token', 'list'])).stdout).toMatch(/alice\s+approver\s+finance,sre\s+revoked \(root\)/);
  });

  it('prints one readable line and exits non-zero on a clash or bad input', async () => {
    const clash = await cli(['token', 'create', '--name', 'root', '--role', 'admin']);
    expect(clash.code).toBe(1);
    expect(clash.stderr.trim().split('\n')[0]).toMatch(/^error token_name_taken: a token named "root" exists/);
    const badName = await cli(['token', 'create', '--name', 'a/b', '--role', 'admin']);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('validation_failed');
    const badRole = await cli(['token', 'create', '--name', 'x', '--role', 'root']);
    expect(badRole.code).toBe(2);
    const missing = await cli(['token', 'revoke', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('token_not_found');
    const notAdmin = await api(a.url, '/v1/tokens', { token: admin, body: { name: 'ann', role: 'approver' } });
    const denied = await cli(['token', 'list'], notAdmin.json.secret);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('forbidden');
  });

  it('refuses a revoked token on both servers at once, round after round', async () => {
    await expectRevocationEverywhere([a, b], admin, 10);
  });

  it('refuses an expired token on both servers from its expiry on', async () => {
    await expectExpiryEverywhere([a, b], admin);
  });
});

describeWithPostgres('database tokens on two PostgreSQL replicas', (cluster) => {
  let a: RunningServer;
  let b: RunningServer;
  const ROOT_TOKEN = 'env-root-token-for-replicas';

  beforeAll(async () => {
    const dsn = await (await cluster()).createDatabase('token_replicas');
    const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn, FARAMESH_TOKENS: `ops:admin:${ROOT_TOKEN}` };
    [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
  });
  afterAll(async () => {
    for (const server of [a, b]) await server?.stop();
  });

  it('refuses a revoked token on both replicas at once, round after round', async () => {
    await expectRevocationEverywhere([a, b], ROOT_TOKEN, 20);
  });

  it('refuses an expired token on both replicas from its expiry on', async () => {
    await expectExpiryEverywhere([a, b], ROOT_TOKEN);
  });

  it('refuses a name taken on the other replica, and records who approved by name', async () => {
    const first = await api(a.url, '/v1/tokens', { token: ROOT_TOKEN, body: { name: 'carol', role: 'approver' } });
    expect(first.status).toBe(201);
    const clash = await api(b.url, '/v1/tokens', { token: ROOT_TOKEN, body: { name: 'carol', role: 'admin' } });
    expect(clash.status).toBe(409);
    expect(clash.json.error.code).toBe('token_name_taken');
    const env = await api(b.url, '/v1/tokens', { token: ROOT_TOKEN, body: { name: 'ops', role: 'admin' } });
    expect(env.json.error.details).toEqual({ name: 'ops', source: 'env' });
    const action = (await api(a.url, '/v1/actions', { token: ROOT_TOKEN, body: shell('pg-bot') })).json;
    const decided = await api(b.url, `/v1/actions/${action.id}/approval`, {
      token: first.json.secret,
      body: { token: action.approval_token, approve: false, reason: 'not today' },
    });
    expect(decided.json).toMatchObject({ status: 'denied', approval_decided_by: 'carol' });
  });
});
