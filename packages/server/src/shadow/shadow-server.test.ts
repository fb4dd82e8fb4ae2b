import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore, createSqliteStore, type Store } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../store/src/postgres/postgres-cluster.test-support.js';
import { startTestServer } from '../testing/test-server.js';
import {
  ADMIN,
  AGENT,
  APPROVER,
  as,
  CANDIDATE,
  closeServers,
  get,
  setShadow,
  start,
  submit,
  TOKENS,
} from './shadow-server.test-support.js';

afterEach(closeServers);

/** The behaviours every backend must have; `open` gives a fresh, empty store. */
function shadowCases(open: () => Promise<Store>): void {
  it('evaluates the shadow policy beside the active one without changing any decision, and shows both', async () => {
    const server = await start(await open());
    const set = await setShadow(server);
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ active: true, source: 'api', version: 'candidate', rules: 4, set_by: 'root' });

    const read = await submit(server, 'http', 'get');
    const shell = await submit(server, 'shell', 'run', { cmd: 'ls' });
    const refund = await submit(server, 'stripe', 'refund', { amount: 5 });
    expect([read.status, shell.status, refund.status]).toEqual(['allowed', 'pending_approval', 'allowed']);
    expect(read.shadow).toBeUndefined();

    const seen = (await get(server, `/v1/actions/${read.id}`)).json();
    expect(seen).toMatchObject({
      status: 'allowed',
      decision: 'allow',
      shadow: {
        kind: 'decision',
        decision: 'require_approval',
        rule: { index: 0, description: 'Review HTTP GET requests' },
        reason_code: 'rule_require_approval',
        policy_hash: set.json().hash,
      },
    });
    // Agents never learn how a candidate policy would have treated them.
    expect((await get(server, `/v1/actions/${read.id}`, AGENT)).json().shadow).toBeUndefined();
    const listed = (await get(server, '/v1/actions?limit=10', APPROVER)).json().items as Array<{
      id: string;
      shadow?: { decision: string };
    }>;
    expect(Object.fromEntries(listed.map((a) => [a.id, a.shadow?.decision ?? null]))).toEqual({
      [read.id]: 'require_approval',
      [shell.id]: 'deny',
      [refund.id]: null,
    });
    // Two disagreements and one agreement, counted by result.
    const metrics = (await server.app.inject({ url: '/metrics', headers: as(ADMIN) })).body;
    expect(metrics).toContain('faramesh_shadow_evaluations_total{result="agree"} 1');
    expect(metrics).toContain('faramesh_shadow_evaluations_total{result="disagree"} 2');
    expect(metrics).toContain('faramesh_shadow_evaluations_total{result="error"} 0');
  });

  it('reports what the shadow policy would have changed, by old→new decision and by rule, with examples', async () => {
    const server = await start(await open());
    await setShadow(server);
    const reads = [await submit(server, 'http', 'get'), await submit(server, 'http', 'get')];
    const shell = await submit(server, 'shell', 'run', { cmd: 'ls' });
    await submit(server, 'stripe', 'refund', { amount: 5 });
    const res = await get(server, '/v1/policy/shadow/report?since=1h&examples=5', APPROVER);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({
      submissions: 4,
      disagreements: 3,
      policy_hash: (await get(server, '/v1/policy/shadow')).json().hash,
    });
    expect(report.transitions).toEqual([
      { from: 'allow', to: 'require_approval', count: 2, examples: reads.map((a) => a.id).reverse() },
      { from: 'require_approval', to: 'deny', count: 1, examples: [shell.id] },
    ]);
    expect(report.rules).toEqual([
      {
        rule: { index: 0, description: 'Review HTTP GET requests' },
        from: 'allow',
        to: 'require_approval',
        count: 2,
        examples: reads.map((a) => a.id).reverse(),
      },
      {
        rule: { index: 1, description: 'No shell at all' },
        from: 'require_approval',
        to: 'deny',
        count: 1,
        examples: [shell.id],
      },
    ]);
    expect((await get(server, '/v1/policy/shadow/report?since=tomorrow')).json().error.code).toBe('validation_failed');
  });

  it('promotes the shadow policy in one step: the file, the active policy, and the report recorded in the ledger', async () => {
    const server = await start(await open());
    const hash = (await setShadow(server)).json().hash as string;
    const read = await submit(server, 'http', 'get');
    const previous = (await get(server, '/v1/policy')).json().hash;
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/policy/shadow/promote',
      headers: as(ADMIN),
      payload: { expected_hash: hash, since: '1h' },
    });
    expect(res.statusCode).toBe(200);
    const promotion = res.json();
    expect(promotion).toMatchObject({ previous_policy_hash: previous, policy_hash: hash });
    expect(readFileSync(join(server.dir, 'policy.yaml'), 'utf8')).toBe(CANDIDATE);
    expect((await get(server, '/v1/policy')).json()).toMatchObject({ hash, version: 'candidate' });
    expect((await get(server, '/v1/policy/shadow')).json()).toMatchObject({ active: false, hash: null });
    // The candidate now decides.
    expect((await submit(server, 'http', 'get')).status).toBe('pending_approval');

    const record = (await get(server, `/v1/actions/${promotion.action_id}`)).json();
    expect(record).toMatchObject({
      agent_id: 'root',
      tool: 'faramesh',
      operation: 'policy.promote',
      status: 'succeeded',
      submitted_by: 'root',
      policy_hash: previous,
      params: {
        previous_policy_hash: previous,
        policy_hash: hash,
        shadow_source: 'api',
        report: {
          policy_hash: hash,
          disagreements: 1,
          transitions: [{ from: 'allow', to: 'require_approval', count: 1, examples: [read.id] }],
        },
      },
    });
    const events = (await get(server, `/v1/actions/${promotion.action_id}/events`)).json() as Array<{
      event_type: string;
    }>;
    expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made', 'started', 'succeeded']);
    expect((await get(server, '/v1/audit/verify')).json()).toMatchObject({ ok: true });
  });

  it('refuses a shadow policy that does not load, saying where, and keeps the one it had', async () => {
    const server = await start(await open());
    const good = (await setShadow(server)).json();
    const res = await setShadow(server, 'rules:\n  - match: { tool: http, colour: red }\n    allow: true\n');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('policy_invalid');
    expect(res.json().error.details.diagnostics[0]).toMatchObject({
      file: '<shadow>',
      line: 2,
      column: expect.any(Number),
    });
    expect((await get(server, '/v1/policy/shadow')).json().hash).toBe(good.hash);
    const json = await server.app.inject({
      method: 'POST',
      url: '/v1/policy/shadow',
      headers: as(ADMIN),
      payload: { policy: 'rules: [' },
    });
    expect(json.json().error.code).toBe('policy_invalid');
    const huge = await setShadow(server, `# ${'x'.repeat(300 * 1024)}\n${CANDIDATE}`);
    expect([huge.statusCode, huge.json().error.code]).toEqual([413, 'policy_too_large']);
  });

  it('lets only admins change or promote the shadow policy, and agents not even read it', async () => {
    const server = await start(await open());
    expect((await setShadow(server, CANDIDATE, APPROVER)).json().error.code).toBe('forbidden');
    expect((await setShadow(server, CANDIDATE, AGENT)).statusCode).toBe(403);
    for (const token of [APPROVER, AGENT]) {
      const promote = await server.app.inject({ method: 'POST', url: '/v1/policy/shadow/promote', headers: as(token) });
      const clear = await server.app.inject({ method: 'DELETE', url: '/v1/policy/shadow', headers: as(token) });
      expect([promote.statusCode, clear.statusCode]).toEqual([403, 403]);
    }
    expect((await get(server, '/v1/policy/shadow', AGENT)).statusCode).toBe(403);
    expect((await get(server, '/v1/policy/shadow/report', AGENT)).statusCode).toBe(403);
    expect((await get(server, '/v1/policy/shadow')).json().active).toBe(false);
  });

  it('refuses to promote a shadow policy that is not the expected one, or over a policy file edited since it loaded', async () => {
    const server = await start(await open());
    const hash = (await setShadow(server)).json().hash as string;
    const promote = (payload: object) =>
      server.app.inject({ method: 'POST', url: '/v1/policy/shadow/promote', headers: as(ADMIN), payload });
    const stale = await promote({ expected_hash: 'f'.repeat(64) });
    expect([stale.statusCode, stale.json().error.code]).toEqual([409, 'shadow_policy_changed']);
    const file = join(server.dir, 'policy.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n# edited by hand\n`);
    const edited = await promote({ expected_hash: hash });
    expect([edited.statusCode, edited.json().error.code]).toEqual([409, 'policy_file_changed']);
    expect(readFileSync(file, 'utf8')).toContain('# edited by hand');
    expect((await get(server, '/v1/policy/shadow')).json().hash).toBe(hash);
    // Nothing was promoted, so nothing was recorded.
    expect((await get(server, '/v1/actions?tool=faramesh')).json().items).toEqual([]);
    const cleared = await server.app.inject({ method: 'DELETE', url: '/v1/policy/shadow', headers: as(ADMIN) });
    expect(cleared.json()).toMatchObject({ cleared: true, active: false });
    expect((await promote({})).json().error.code).toBe('shadow_policy_not_set');
    expect((await get(server, '/v1/policy/shadow/report')).json().error.code).toBe('shadow_policy_not_set');
  });
}

let sqliteFiles = 0;
describe('shadow policy through the server (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-shadow-'));
  shadowCases(async () => createSqliteStore({ path: join(dir, `shadow-${sqliteFiles++}.db`) }));

  it('loads FARAMESH_SHADOW_POLICY at start, refuses to start when it does not load, and keeps the last good one on reload', async () => {
    const shadowFile = join(dir, 'candidate.yaml');
    writeFileSync(shadowFile, 'rules:\n  - match: { tool: "*" }\n    allow: tru\n');
    const refused = startTestServer({
      store: createSqliteStore({ path: join(dir, 'refused.db') }),
      env: { FARAMESH_SHADOW_POLICY: shadowFile },
    });
    await expect(refused).rejects.toThrow(/shadow policy .*candidate\.yaml is invalid[\s\S]*candidate\.yaml:3:\d+/);

    writeFileSync(shadowFile, CANDIDATE);
    const server = await start(createSqliteStore({ path: join(dir, `shadow-${sqliteFiles++}.db`) }), {
      FARAMESH_SHADOW_POLICY: shadowFile,
    });
    expect((await get(server, '/v1/policy/shadow')).json()).toMatchObject({
      active: true,
      source: 'file',
      file: shadowFile,
    });
    expect((await setShadow(server)).json().error.code).toBe('shadow_policy_from_file');
    writeFileSync(shadowFile, 'rules: [');
    await server.app.inject({ method: 'POST', url: '/v1/policy/reload', headers: as(ADMIN) });
    const status = (await get(server, '/v1/policy/shadow')).json();
    expect(status).toMatchObject({ active: true, version: 'candidate' });
    expect(status.last_error.message).toContain('candidate.yaml');
    expect(status.last_error.diagnostics[0]).toMatchObject({ file: shadowFile, line: 1 });

    // The file no longer holds what is evaluated: promoting now would promote something unreviewed.
    const promote = () => server.app.inject({ method: 'POST', url: '/v1/policy/shadow/promote', headers: as(ADMIN) });
    expect((await promote()).json().error.code).toBe('shadow_policy_changed');
    writeFileSync(shadowFile, CANDIDATE);
    await server.app.inject({ method: 'POST', url: '/v1/policy/reload', headers: as(ADMIN) });
    const promoted = await promote();
    expect(promoted.statusCode).toBe(200);
    expect(readFileSync(join(server.dir, 'policy.yaml'), 'utf8')).toBe(CANDIDATE);
    expect((await get(server, `/v1/actions/${promoted.json().action_id}`)).json().params.shadow_source).toBe('file');
    // The file stays the shadow policy; it now agrees with the active one.
    expect((await get(server, '/v1/policy/shadow')).json()).toMatchObject({ active: true, source: 'file' });
  });
});

describe('redaction a promotion would change', () => {
  it("says which redact paths the shadow policy would stop (and start) redacting, against the active policy's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-shadow-redact-'));
    const server = await startTestServer({
      store: createSqliteStore({ path: join(dir, 'a.db') }),
      policy: 'redact: [params.api_key]\nrules:\n  - match: { tool: "*" }\n    allow: true\n',
      env: { ...TOKENS, FARAMESH_REDACTION_KEY: 'k'.repeat(40) },
    });
    try {
      expect((await get(server, '/v1/policy/shadow')).json().redaction_change).toBeNull();
      const set = await setShadow(
        server,
        'redact: [params.password]\nrules:\n  - match: { tool: "*" }\n    allow: true\n',
      );
      expect(set.json().redaction_change).toEqual({ stops: ['params.api_key'], starts: ['params.password'] });
      expect((await get(server, '/v1/policy/shadow')).json().redaction_change).toEqual({
        stops: ['params.api_key'],
        starts: ['params.password'],
      });
    } finally {
      await server.close();
    }
  });
});

describeWithPostgres('shadow policy through the server (PostgreSQL)', (cluster) => {
  let databases = 0;
  const open = async () => createPostgresStore({ dsn: await (await cluster()).createDatabase(`shadow${databases++}`) });
  shadowCases(open);

  it('is shared by replicas: set on one, evaluated and promoted everywhere', async () => {
    const dsn = await (await cluster()).createDatabase('shadowreplicas');
    const a = await start(createPostgresStore({ dsn }));
    const b = await start(createPostgresStore({ dsn }));
    const hash = (await setShadow(a)).json().hash;
    const until = async (check: () => Promise<boolean>) => {
      const deadline = Date.now() + 10_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error('condition not reached');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until(async () => (await get(b, '/v1/policy/shadow')).json().hash === hash);
    const read = await submit(b, 'http', 'get');
    expect((await get(a, `/v1/actions/${read.id}`)).json().shadow).toMatchObject({ decision: 'require_approval' });
    await b.app.inject({
      method: 'POST',
      url: '/v1/policy/shadow/promote',
      headers: as(ADMIN),
      payload: { expected_hash: hash },
    });
    await until(async () => (await get(a, '/v1/policy/shadow')).json().active === false);
    // Promoting twice (on another replica) finds nothing left to promote.
    const again = await a.app.inject({ method: 'POST', url: '/v1/policy/shadow/promote', headers: as(ADMIN) });
    expect(again.json().error.code).toBe('shadow_policy_not_set');
  });
});
