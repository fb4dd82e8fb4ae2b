import { FarameshClient } from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, type TestServer } from '../testing/harness.js';

let srv: TestServer;
let client: FarameshClient;

beforeAll(async () => {
  srv = await startServer();
  client = new FarameshClient({ baseUrl: srv.url });
});
afterAll(async () => {
  await srv.close();
});

const submitShell = (cmd: string) =>
  client.submitAction({ agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd } });

// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting ANSI colour codes
const ANSI = /\u001b\[/;

describe('list', () => {
  it('prints a plain table with short ids when piped', async () => {
    const action = await submitShell('ls -la');
    const out = await cli(['list'], { env: srv.env });
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+Status\s+Risk\s+Tool\s+Operation\s+Summary\s+Created$/);
    expect(out.stdout).toContain(`${action.id.slice(0, 8)}  pending_approval`);
    expect(out.stdout).not.toContain(action.id);
    expect(out.stdout).not.toMatch(ANSI);
  });

  it('shows full ids with --full and filters by status, tool, agent, risk', async () => {
    const denied = await client.submitAction({ agent_id: 'other', tool: 'email', operation: 'send' });
    const out = await cli(
      ['list', '--full', '--status', 'denied', '--tool', 'email', '--agent', 'other', '--risk', 'high'],
      {
        env: srv.env,
      },
    );
    expect(out.stdout).toContain(denied.id);
    expect(out.stdout).not.toContain('pending_approval');
  });

  it('prints only JSON with --json (global flag before or after the command)', async () => {
    for (const argv of [
      ['--json', 'list'],
      ['list', '--json', '--limit', '1'],
    ]) {
      const out = await cli(argv, { env: srv.env });
      const body = JSON.parse(out.stdout);
      expect(Array.isArray(body.items)).toBe(true);
      expect(body.total).toBeGreaterThan(0);
    }
  });

  it('draws a box table with colour on a terminal, and none with NO_COLOR', async () => {
    const tty = await cli(['list'], { env: srv.env, tty: true });
    expect(tty.stdout).toContain('┌');
    expect(tty.stdout).toMatch(ANSI);
    const noColor = await cli(['list'], { env: { ...srv.env, NO_COLOR: '1' }, tty: true });
    expect(noColor.stdout).toContain('┌');
    expect(noColor.stdout).not.toMatch(ANSI);
  });

  it('tells shell actions apart by their summary column: cut to fit, whole with --full, hidden characters shown', async () => {
    const long = `kubectl --namespace production delete deployment web-frontend-${'x'.repeat(40)}`;
    const kubectl = await submitShell(long);
    const hidden = await submitShell('rm\u200b -rf /tmp/cache');
    const out = await cli(['list', '-q', 'kubectl --namespace'], { env: srv.env });
    const row = out.stdout.split('\n').find((line) => line.startsWith(kubectl.id.slice(0, 8)));
    expect(row).toContain('kubectl --namespace production delete deploym...');
    const full = await cli(['list', '--full', '-q', 'kubectl --namespace'], { env: srv.env });
    expect(full.stdout).toContain(long);
    const rm = await cli(['list', '-q', '/tmp/cache'], { env: srv.env });
    expect(rm.stdout.split('\n').find((line) => line.startsWith(hidden.id.slice(0, 8)))).toContain(
      "'rm⟨U+200B⟩' -rf /tmp/cache",
    );
    expect(rm.stdout).not.toContain('\u200b');
  });

  it('rejects a bad --status with the closest choice, exit 2', async () => {
    const out = await cli(['list', '--status', 'pendng'], { env: srv.env });
    expect(out.code).toBe(2);
    expect(out.stderr.trim()).toBe("error: invalid value 'pendng' for --status (did you mean pending_approval?)");
  });
});

describe('get / events / explain / logs / curl', () => {
  it('get resolves an id prefix on the server', async () => {
    const action = await submitShell('whoami');
    const out = await cli(['get', action.id.slice(0, 8)], { env: srv.env });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Action ${action.id}`);
    expect(out.stdout).toMatch(/Status:\s+pending_approval/);
    const json = await cli(['--json', 'get', action.id.slice(0, 6)], { env: srv.env });
    expect(JSON.parse(json.stdout).id).toBe(action.id);
  });

  it('get numbers the matched rule from 1, as the dashboard does (wire index + 1)', async () => {
    const action = await submitShell('uptime');
    expect(action.matched_rule?.index).toBe(1);
    const out = await cli(['get', action.id], { env: srv.env });
    expect(out.stdout).toMatch(/Matched Rule:\s+#2 Shell commands require approval/);
  });

  it('get of an unknown id prints the server error code and exits 1', async () => {
    const out = await cli(['get', 'ffffffff'], { env: srv.env });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^error action_not_found: /);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('events prints the seed timeline', async () => {
    const action = await submitShell('date');
    const out = await cli(['events', action.id.slice(0, 8)], { env: srv.env });
    expect(out.stdout).toContain(`Event Timeline - ${action.id.slice(0, 8)}`);
    expect(out.stdout).toMatch(/created/);
    expect(out.stdout).toMatch(/decision_made/);
    const json = JSON.parse((await cli(['events', action.id, '--json'], { env: srv.env })).stdout);
    expect(json.map((e: { event_type: string }) => e.event_type)).toEqual(['created', 'decision_made']);
  });

  it('explain prints the decision and the full rule trace', async () => {
    const action = await submitShell('rm -rf /tmp/x');
    const out = await cli(['explain', action.id.slice(0, 8)], { env: srv.env });
    expect(out.stdout).toContain(`Action Explanation: ${action.id.slice(0, 8)}`);
    expect(out.stdout).toContain('Decision: require_approval');
    expect(out.stdout).toContain('Risk Level: high (risk rule: dangerous_shell)');
    expect(out.stdout).toMatch(/Policy File: .*policies\/default\.yaml/);
    expect(out.stdout).toContain('✗ #1 Allow HTTP GET requests [allow]');
    expect(out.stdout).toContain('✗ tool: expected "http", got "shell"');
    expect(out.stdout).toContain('✓ #2 Shell commands require approval [require_approval] ← decided');
    expect(out.stdout).toContain('· #3 Default deny rule [deny] (not evaluated)');
    expect(out.stdout).toContain('✓ dangerous_shell → high ← fired');
  });

  it('curl prints approve/deny commands with the token, and events', async () => {
    const action = await submitShell('uptime');
    const out = await cli(['curl', action.id.slice(0, 8)], { env: srv.env });
    expect(out.stdout).toContain(`# Action: ${action.id}`);
    expect(out.stdout).toContain(`curl -X POST ${srv.url}/v1/actions/${action.id}/approval`);
    expect(out.stdout).toContain(`"token":"${action.approval_token}","approve":true`);
    expect(out.stdout).toContain(`"approve":false`);
    expect(out.stdout).toContain(`curl ${srv.url}/v1/actions/${action.id}/events`);
  });

  it('logs shows status transitions from the ledger', async () => {
    const action = await submitShell('hostname');
    await client.approve(action.id, { reason: 'fine' });
    await client.reportResult(action.id, { success: true });
    const out = await cli(['logs', action.id.slice(0, 8)], { env: srv.env });
    expect(out.stdout).toContain(`Status transitions - ${action.id.slice(0, 8)} (shell run)`);
    expect(out.stdout).toMatch(/→ pending_approval/);
    expect(out.stdout).toMatch(/pending_approval → approved .*fine/);
    expect(out.stdout).toMatch(/approved → executing/);
    expect(out.stdout).toMatch(/executing → succeeded/);
  });
});

describe('approve / deny / replay / policy-refresh', () => {
  it('approve (and its alias allow) decide by prefix, with a reason', async () => {
    const a = await submitShell('echo a');
    const out = await cli(['approve', a.id.slice(0, 8), '--reason', 'looks safe'], { env: srv.env });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`✓ Approved ${a.id.slice(0, 8)} (shell run): approved\n`);
    expect((await client.getAction(a.id)).approval_reason).toBe('looks safe');
    const b = await submitShell('echo b');
    expect((await cli(['allow', b.id.slice(0, 8)], { env: srv.env })).code).toBe(0);
    expect((await client.getAction(b.id)).status).toBe('approved');
  });

  it('deny decides by prefix; deciding twice is an error', async () => {
    const a = await submitShell('echo c');
    const out = await cli(['deny', a.id.slice(0, 8), '--json'], { env: srv.env });
    expect(JSON.parse(out.stdout).status).toBe('denied');
    const again = await cli(['deny', a.id.slice(0, 8)], { env: srv.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error not_pending: .* is denied, not pending_approval/);
  });

  it('replay submits the action again under the current policy', async () => {
    const a = await submitShell('echo d');
    const out = await cli(['--json', 'replay', a.id.slice(0, 8)], { env: srv.env });
    const replayed = JSON.parse(out.stdout);
    expect(replayed.id).not.toBe(a.id);
    expect(replayed.context.replay_of).toBe(a.id);
  });

  it('policy-refresh reloads the server policy', async () => {
    const out = await cli(['policy-refresh'], { env: srv.env });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/✓ Policy reloaded: .*default\.yaml/);
    expect(out.stdout).toContain('Rules:   3 (2 risk rules)');
  });
});

describe('tail', () => {
  it('prints live events in the seed format and stops after --count', async () => {
    let submitted = '';
    const pending = cli(['tail', '--count', '1', '--tool', 'shell'], { env: srv.env });
    // Give the stream a moment to connect, then cause an event.
    await new Promise((r) => setTimeout(r, 300));
    submitted = (await submitShell('echo live')).id;
    const out = await pending;
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] pending_approval  ${submitted.slice(0, 8)} \\| shell      \\| run\\n$`),
    );
  });

  it('emits NDJSON frames with --json and resumes from --since-id', async () => {
    const a = await submitShell('echo replayed');
    const events = await client.getEvents(a.id);
    const first = events[0];
    const out = await cli(['tail', '--json', '--since-id', String((first?.seq ?? 1) - 1), '--count', '2'], {
      env: srv.env,
    });
    const frames = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(frames.map((f) => f.data.event.event_type)).toEqual(['created', 'decision_made']);
    expect(frames[0].data.action.id).toBe(a.id);
  });

  it('stops cleanly when interrupted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const out = await cli(['tail'], { env: srv.env, signal: controller.signal });
    expect(out.code).toBe(0);
  });
});

describe('wait / logs --follow', () => {
  it('wait returns as soon as the action is approved, exit 0', async () => {
    const a = await submitShell('echo wait');
    setTimeout(() => void client.approve(a.id), 200);
    const out = await cli(['wait', a.id.slice(0, 8), '--timeout', '10'], { env: srv.env });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`${a.id.slice(0, 8)} approved\n`);
  });

  it('wait exits 1 when the action is denied', async () => {
    const a = await submitShell('echo no');
    setTimeout(() => void client.deny(a.id), 200);
    const out = await cli(['wait', a.id.slice(0, 8)], { env: srv.env });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(`${a.id.slice(0, 8)} denied\n`);
  });

  it('wait fails closed on timeout', async () => {
    const a = await submitShell('echo slow');
    const out = await cli(['wait', a.id, '--timeout', '0'], { env: srv.env });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^error timeout: no decision on /);
  });

  it('logs --follow prints new transitions until the action ends', async () => {
    const a = await submitShell('echo follow');
    setTimeout(async () => {
      await client.approve(a.id);
      await client.start(a.id);
      await client.reportResult(a.id, { success: false, error: 'boom' });
    }, 300);
    const out = await cli(['logs', '-f', a.id.slice(0, 8)], { env: srv.env });
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines.at(-3)).toMatch(/pending_approval → approved/);
    expect(lines.at(-2)).toMatch(/approved → executing/);
    expect(lines.at(-1)).toMatch(/executing → failed .*boom/);
  });
});
