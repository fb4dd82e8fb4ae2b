import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FarameshClient } from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, type TestServer } from '../testing/harness.js';

const ACTIVE = 'rules:\n  - match: { tool: "*" }\n    allow: true\n    description: anything goes\n';
const CANDIDATE = `rules:
  - match: { tool: shell }
    deny: true
    description: no shell
  - match: { tool: "*" }
    allow: true
    description: anything else
`;

let srv: TestServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-cli-shadow-'));
  writeFileSync(join(dir, 'active.yaml'), ACTIVE);
  writeFileSync(join(dir, 'candidate.yaml'), CANDIDATE);
  writeFileSync(join(dir, 'broken.yaml'), 'rules:\n  - match: { tool: shell, colour: red }\n    deny: true\n');
  srv = await startServer({ policyFile: join(dir, 'active.yaml') });
});
afterAll(async () => {
  await srv.close();
});

describe('policy shadow', () => {
  it('refuses a file that does not load, naming file:line:col, and sets nothing', async () => {
    const out = await cli(['policy', 'shadow', 'set', 'broken.yaml'], { env: srv.env, cwd: dir });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/broken\.yaml:2:\d+/);
    expect((await cli(['policy', 'shadow', 'show'], { env: srv.env, cwd: dir })).stdout).toContain('No shadow policy');
  });

  it('sets, reports and promotes a shadow policy, then the file holds it', async () => {
    const set = await cli(['policy', 'shadow', 'set', 'candidate.yaml'], { env: srv.env, cwd: dir });
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('Source:  API');
    const client = new FarameshClient({ baseUrl: srv.url });
    const shell = await client.submitAction({
      agent_id: 'bot',
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'ls' },
    });
    expect(shell.status).toBe('allowed');
    const report = await cli(['policy', 'shadow', 'report', '--since', '1h'], { env: srv.env, cwd: dir });
    expect(report.stdout).toContain('1 of 1 submissions would have been decided differently');
    expect(report.stdout).toContain(`allow → deny: 1`);
    expect(report.stdout).toContain(shell.id);
    expect(report.stdout).toContain('#0 no shell: allow → deny: 1');

    const promoted = await cli(['--json', 'policy', 'shadow', 'promote', '--since', '1h'], { env: srv.env, cwd: dir });
    expect(promoted.code).toBe(0);
    const body = JSON.parse(promoted.stdout);
    expect(body.report.disagreements).toBe(1);
    expect(readFileSync(join(dir, 'active.yaml'), 'utf8')).toBe(CANDIDATE);
    expect((await client.getAction(body.action_id)).operation).toBe('policy.promote');
    const again = await cli(['policy', 'shadow', 'promote'], { env: srv.env, cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('shadow_policy_not_set');
  });
});

describe('policy shadow and redaction', () => {
  it('warns when the shadow policy would stop redacting a path the active one redacts', async () => {
    const here = mkdtempSync(join(tmpdir(), 'faramesh-cli-shadow-redact-'));
    writeFileSync(join(here, 'active.yaml'), `redact: [params.api_key]\n${ACTIVE}`);
    writeFileSync(join(here, 'candidate.yaml'), CANDIDATE);
    const server = await startServer({
      policyFile: join(here, 'active.yaml'),
      env: { FARAMESH_REDACTION_KEY: 'k'.repeat(40) },
    });
    try {
      const set = await cli(['policy', 'shadow', 'set', 'candidate.yaml'], { env: server.env, cwd: here });
      expect(set.code, set.stderr).toBe(0);
      expect(set.stderr).toContain(
        "params.api_key would be stored in the clear if promoted: the shadow policy doesn't list it under redact:",
      );
      const promoted = await cli(['policy', 'shadow', 'promote'], { env: server.env, cwd: here });
      expect(promoted.code, promoted.stderr).toBe(0);
      expect(promoted.stderr).toContain('params.api_key is no longer redacted');
    } finally {
      await server.close();
    }
  });
});
