import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FarameshClient } from '@faramesh/sdk';
import { createSqliteStore } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { cli, DEFAULT_POLICY, REPO, startServer, tempDir } from '../testing/harness.js';

const BROKEN = `rules:
  - match: { tool: http, opp: get }
    allow: true
    deny: true
`;

describe('policy-validate', () => {
  it('accepts a valid policy, exit 0', async () => {
    const out = await cli(['policy-validate', DEFAULT_POLICY], { cwd: REPO });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('✓ policies/default.yaml is valid: 3 rules, 2 risk rules, version 1\n');
  });

  it('lists every problem as file:line:col and exits 1', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), BROKEN);
    const out = await cli(['policy-validate', 'bad.yaml'], { cwd: dir });
    expect(out.code).toBe(1);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^bad\.yaml:2:\d+ error unknown_key: .*"opp".*"op"/);
    expect(lines[1]).toMatch(/^bad\.yaml:4:5 error multiple_effects: /);
    expect(lines[2]).toBe('✗ bad.yaml is invalid: 2 errors');
  });

  it('reports a missing file in one line, exit 1', async () => {
    const out = await cli(['policy-validate', 'nope.yaml']);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('error: cannot read policy file nope.yaml: no such file\n');
  });

  it('emits diagnostics as JSON with --json', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), BROKEN);
    const out = await cli(['--json', 'policy-validate', 'bad.yaml'], { cwd: dir });
    const [report] = JSON.parse(out.stdout);
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d: { code: string }) => d.code)).toEqual(['unknown_key', 'multiple_effects']);
  });
});

describe('policy-test', () => {
  it('evaluates an action file locally and prints decision, risk, reason and trace', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'action.json'),
      JSON.stringify({ tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } }),
    );
    const out = await cli(['policy-test', DEFAULT_POLICY, 'action.json'], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Decision: require_approval');
    expect(out.stdout).toContain('Risk Level: high (risk rule: dangerous_shell)');
    expect(out.stdout).toContain('Reason: Shell commands require approval (rule_require_approval)');
    expect(out.stdout).toContain('← decided');
  });

  it('shows the normalised paths a path condition read', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'p.yaml'),
      'rules:\n  - { match: { tool: fs, path_starts_with: /srv/secret/ }, deny: true, description: secrets }\n',
    );
    const params = { paths: ['/srv/a.txt', '/srv/x/%2e%2e/secret/k'], backup: '/tmp/k' };
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ tool: 'fs', operation: 'read_multiple_files', params }));
    const out = await cli(['policy-test', 'p.yaml', 'a.json'], { cwd: dir });
    expect(out.stdout).toContain('Decision: deny');
    expect(out.stdout).toContain(
      '✓ path_starts_with: expected "/srv/secret/", got any path of ["/srv/a.txt", "/srv/x/%2e%2e/secret/k", "/srv/sec',
    );
  });

  it('reads YAML, and --expect fails with exit 1 on another decision', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'tool: http\nop: post\n');
    expect((await cli(['policy-test', DEFAULT_POLICY, 'a.yaml', '--expect', 'deny'], { cwd: dir })).code).toBe(0);
    const wrong = await cli(['policy-test', DEFAULT_POLICY, 'a.yaml', '--expect', 'allow'], { cwd: dir });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('✗ expected allow, got deny');
  });

  it('refuses an invalid policy and a malformed action', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), BROKEN);
    writeFileSync(join(dir, 'a.json'), '{"tool": "x"}');
    const bad = await cli(['policy-test', 'bad.yaml', 'a.json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: bad\.yaml is not a valid policy \(2 errors\):\n {2}bad\.yaml:2:/);
    const malformed = await cli(['policy-test', DEFAULT_POLICY, 'a.json'], { cwd: dir });
    expect(malformed.stderr).toBe("error: a.json: 'operation' (or 'op') must be a non-empty string\n");
  });
});

describe('policy-test with a principal', () => {
  const GROUP_POLICY = `rules:
  - match: { tool: email, op: send, principal_group: senders }
    allow: true
  - match: { tool: "*" }
    deny: true
`;

  it('evaluates principal rules with the principal given in the action file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), GROUP_POLICY);
    writeFileSync(
      join(dir, 'in.yaml'),
      'tool: email\nop: send\nprincipal: { name: sched, role: agent, groups: [senders] }\n',
    );
    writeFileSync(join(dir, 'out.yaml'), 'tool: email\nop: send\ncontext: { groups: [senders] }\n');
    expect((await cli(['policy-test', 'p.yaml', 'in.yaml', '--expect', 'allow'], { cwd: dir })).code).toBe(0);
    expect((await cli(['policy-test', 'p.yaml', 'out.yaml', '--expect', 'deny'], { cwd: dir })).code).toBe(0);
  });

  it('refuses a malformed principal in one line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'tool: email\nop: send\nprincipal: { name: x, role: root }\n');
    const out = await cli(['policy-test', DEFAULT_POLICY, 'a.yaml'], { cwd: dir });
    expect(out.code).toBe(1);
    expect(out.stderr).toBe("error: a.yaml: 'principal' must be {name, role: agent|approver|admin, groups?: [..]}\n");
  });
});

describe('policy test', () => {
  it('runs the repository case files and passes', async () => {
    const out = await cli(['policy', 'test', 'policies'], { cwd: REPO });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/PASS: (\d+)\/\1 cases passed in \d+ files\n$/);
  });

  it('runs the shell pack evasion corpus (300+ cases) and every case passes', async () => {
    const out = await cli(['--json', 'policy', 'test', 'policies/packs'], { cwd: REPO });
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as { files: { file: string; results: { passed: boolean }[] }[] };
    const shell = report.files.filter((f) => f.file.includes('shell-limits'));
    const results = shell.flatMap((f) => f.results);
    expect(results.length).toBeGreaterThanOrEqual(300);
    expect(results.filter((r) => !r.passed)).toEqual([]);
  });

  it('reports a failing case with what differed, exit 1', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), readFileSync(DEFAULT_POLICY, 'utf8'));
    writeFileSync(
      join(dir, 'p.cases.yaml'),
      `name: mine\npolicy_file: p.yaml\ncases:\n  - name: ok\n    action: { tool: http, op: get }\n    expect: { decision: allow }\n  - name: wrong\n    action: { tool: http, op: post }\n    expect: { decision: allow }\n`,
    );
    const out = await cli(['policy', 'test', '.'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('  ✓ ok');
    expect(out.stdout).toContain('  ✗ wrong (p.cases.yaml:7)');
    expect(out.stdout).toContain('decision: expected "allow", got "deny"');
    expect(out.stdout).toMatch(/FAIL: 1\/2 cases passed in 1 file, 1 failed\n$/);
  });

  it('fails when there are no case files', async () => {
    const out = await cli(['policy', 'test', '.'], { cwd: tempDir() });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/no case files/);
  });
});

describe('policy-diff', () => {
  const NEW_POLICY = `rules:
  - match: { tool: shell, op: "*" }
    require_approval: true
    description: "Shell commands require approval"
    risk: "high"
  - match: { tool: http, op: "*" }
    allow: true
    description: "Allow all HTTP"
  - match: { tool: "*", op: "*" }
    deny: true
    description: "Default deny rule"
    risk: "high"
`;

  it('compares rule by rule in the seed format', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'new.yaml'), NEW_POLICY);
    writeFileSync(join(dir, 'old.yaml'), readFileSync(DEFAULT_POLICY, 'utf8'));
    const out = await cli(['policy-diff', 'old.yaml', 'new.yaml'], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^Policy Differences:\n\nOld: old\.yaml\nNew: new\.yaml\n\nOld rules: 3\nNew rules: 3\n/,
    );
    expect(out.stdout).toContain('Added rules:\n  + Allow all HTTP (allow)');
    expect(out.stdout).toContain('Removed rules:\n  - Allow HTTP GET requests (allow)');
    expect(out.stdout).toContain(
      'Changed rules:\n  ~ Shell commands require approval (require_approval)\n      risk: "medium" → "high"',
    );
    expect(out.stdout).toContain('Removed risk rules:');
  });

  it('backtests the stored actions of a database', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'data', 'actions.db');
    const srv = await startServer({ store: createSqliteStore({ path: dbPath }) });
    const client = new FarameshClient({ baseUrl: srv.url });
    const post = await client.submitAction({ agent_id: 'a', tool: 'http', operation: 'post' });
    await client.submitAction({ agent_id: 'a', tool: 'http', operation: 'get' });
    await srv.close();
    writeFileSync(join(dir, 'new.yaml'), NEW_POLICY);
    const out = await cli(['policy-diff', DEFAULT_POLICY, 'new.yaml', '--db', 'data/actions.db'], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Backtest: 2 stored actions from data/actions.db');
    expect(out.stdout).toContain('1 would be decided differently:');
    expect(out.stdout).toMatch(new RegExp(`${post.id.slice(0, 8)}\\s+http\\s+post\\s+deny\\s+allow`));
    const json = JSON.parse(
      (await cli(['--json', 'policy-diff', DEFAULT_POLICY, 'new.yaml', '--db', dbPath], { cwd: dir })).stdout,
    );
    expect(json.backtest.changed.map((c: { id: string }) => c.id)).toEqual([post.id]);
  });

  it('backtests principal rules with the principal each action was submitted by', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'data', 'actions.db');
    const env = {
      FARAMESH_TOKENS: 'bot:agent:bot-token-1,sched:agent:sched-token-2',
      FARAMESH_TOKEN_GROUPS: 'sched=senders',
    };
    const srv = await startServer({ store: createSqliteStore({ path: dbPath }), env });
    const send = { tool: 'email', operation: 'send' };
    const bySched = await new FarameshClient({ baseUrl: srv.url, token: 'sched-token-2' }).submitAction({
      agent_id: 'sched',
      ...send,
    });
    await new FarameshClient({ baseUrl: srv.url, token: 'bot-token-1' }).submitAction({ agent_id: 'bot', ...send });
    await srv.close();
    const denyAll = 'rules:\n  - match: { tool: "*" }\n    deny: true\n';
    writeFileSync(join(dir, 'old.yaml'), denyAll);
    writeFileSync(
      join(dir, 'new.yaml'),
      `rules:\n  - match: { principal_group: senders }\n    allow: true\n${denyAll.slice(7)}`,
    );
    const json = JSON.parse(
      (await cli(['--json', 'policy-diff', 'old.yaml', 'new.yaml', '--db', dbPath], { cwd: dir })).stdout,
    );
    expect(json.backtest.scanned).toBe(2);
    expect(json.backtest.changed.map((c: { id: string }) => c.id)).toEqual([bySched.id]);
  });

  it('refuses a missing database without creating it', async () => {
    const dir = tempDir();
    const out = await cli(['policy-diff', DEFAULT_POLICY, DEFAULT_POLICY, '--db', 'none.db'], { cwd: dir });
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('error: no database at none.db (--db)\n');
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  });
});

describe('init / init-docker', () => {
  it('scaffolds a starter layout whose policy and cases pass', async () => {
    const dir = tempDir();
    const out = await cli(['init'], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(
      '✓ Created starter files:\n  • policies/\n  • policies/default.yaml\n  • policies/default.cases.yaml\n  • .env.example\n',
    );
    expect(out.stdout).toContain('Run: faramesh serve');
    expect((await cli(['policy-validate', 'policies/default.yaml'], { cwd: dir })).code).toBe(0);
    expect((await cli(['policy', 'test', 'policies'], { cwd: dir })).code).toBe(0);
  });

  it('refuses to overwrite existing files unless --force', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies/default.yaml'), 'mine');
    const out = await cli(['init'], { cwd: dir });
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('error: policies/default.yaml already exists; use --force to overwrite\n');
    expect(readFileSync(join(dir, 'policies/default.yaml'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, '.env.example'))).toBe(false);
    expect((await cli(['init', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'policies/default.yaml'), 'utf8')).toContain('rules:');
  });

  it("writes the repository's own Dockerfile, docker-compose.yaml and .dockerignore, byte for byte", async () => {
    const dir = tempDir();
    const out = await cli(['init-docker'], { cwd: dir });
    expect(out.code).toBe(0);
    for (const file of ['Dockerfile', 'docker-compose.yaml', '.dockerignore']) {
      expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(REPO, file), 'utf8'));
    }
    expect(out.stdout).toContain(`FARAMESH_SOURCE=${REPO} docker compose up`);
    expect((await cli(['init-docker'], { cwd: dir })).code).toBe(1);
  });
});

describe('doctor', () => {
  it('passes in an initialised folder with a running server, warning about open mode', async () => {
    const dir = tempDir();
    await cli(['init'], { cwd: dir });
    const srv = await startServer();
    try {
      const out = await cli(['doctor'], { cwd: dir, env: srv.env });
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^✓ Node \d+\.\d+\.\d+\n/);
      expect(out.stdout).toContain('✓ Policy file valid: policies/default.yaml (3 rules, 2 risk rules)');
      expect(out.stdout).toContain('! Database data/actions.db does not exist yet');
      expect(out.stdout).toContain('! No auth token configured');
      expect(out.stdout).toContain(`✓ Server reachable and ready at ${srv.url} (open mode)`);
    } finally {
      await srv.close();
    }
  });

  it('fails on an invalid policy and reports a migrated database', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies/default.yaml'), BROKEN);
    const store = createSqliteStore({ path: join(dir, 'data/actions.db') });
    await store.migrate();
    await store.close();
    const out = await cli(['--json', 'doctor'], {
      cwd: dir,
      env: { FARAMESH_TOKEN: 'a-long-enough-token', FARAMESH_PORT: '1' },
    });
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout);
    const byName = Object.fromEntries(report.checks.map((c: { name: string; status: string }) => [c.name, c.status]));
    expect(byName).toMatchObject({
      node: 'ok',
      config: 'ok',
      database: 'ok',
      policy: 'fail',
      auth: 'warn', // FARAMESH_TOKEN is one shared identity: duties aren't separated
      server: 'warn',
    });
  });
});

describe('completion', () => {
  it('prints bash and zsh scripts that know every command', async () => {
    const bash = await cli(['completion', 'bash']);
    expect(bash.stdout).toContain('complete -o default -F _faramesh faramesh faracore');
    expect(bash.stdout).toContain('policy-validate');
    const zsh = await cli(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef faramesh faracore/);
    expect((await cli(['completion', 'fish'])).code).toBe(2);
  });
});
