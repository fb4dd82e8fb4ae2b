import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, BIN, DEFAULT_POLICY, runCli as faramesh, type RunningServer, startServer } from './harness.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'faramesh-cli-e2e-'));

let server: RunningServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startServer();
  env = { FARAMESH_BASE_URL: server.url };
});
afterAll(async () => {
  await server.stop();
});

const submit = async (cmd: string) =>
  (
    await api(server.url, '/v1/actions', {
      body: { agent_id: 'e2e', tool: 'shell', operation: 'run', params: { cmd } },
    })
  ).json;

describe('faramesh against a running server', () => {
  it('list shows submitted actions; --json prints only JSON', async () => {
    const action = await submit('ls');
    const table = await faramesh(['list'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(action.id.slice(0, 8));
    const json = await faramesh(['list', '--json'], { env });
    expect(JSON.parse(json.stdout).items.some((a: { id: string }) => a.id === action.id)).toBe(true);
  });

  it('get resolves an id prefix; faracore is the same binary', async () => {
    const action = await submit('pwd');
    const out = await faramesh(['get', action.id.slice(0, 8)], { env });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Action ${action.id}`);
    const alias = join(tempDir(), 'faracore');
    symlinkSync(BIN, alias);
    const seedName = await faramesh(['get', action.id.slice(0, 8)], { env, bin: alias });
    expect(seedName.stdout).toContain(`Action ${action.id}`);
    expect((await faramesh(['--help'], { bin: alias })).stdout).toMatch(/^Usage: faracore /);
  });

  it('approve by prefix moves the action to approved', async () => {
    const action = await submit('id');
    const out = await faramesh([
      '--port',
      new URL(server.url).port,
      'approve',
      action.id.slice(0, 8),
      '--reason',
      'e2e',
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Approved ${action.id.slice(0, 8)}`);
    expect((await api(server.url, `/v1/actions/${action.id}`)).json.status).toBe('approved');
  });

  it('tail receives a live event', async () => {
    // tail prints events from the moment its stream is open, which a loaded machine may take a while
    // to reach: keep submitting until one arrives, instead of guessing how long to wait.
    const ids: string[] = [];
    const arrived = (out: string) => ids.find((id) => out.includes(id.slice(0, 8)));
    let done = false;
    const tail = faramesh(['tail'], { env, until: (out) => arrived(out) !== undefined }).finally(() => {
      done = true;
    });
    while (!done) {
      ids.push((await submit('echo live')).id);
      await new Promise((r) => setTimeout(r, 500));
    }
    const out = await tail;
    const id = arrived(out.stdout);
    expect(id).toBeDefined();
    expect(out.stdout).toMatch(new RegExp(`\\] pending_approval  ${id?.slice(0, 8)} \\| shell`));
  });

  it("get shows an agent's result error with escapes and bidi characters as visible markers, --json exact", async () => {
    const submitted = await api(server.url, '/v1/actions', {
      body: { agent_id: 'e2e', tool: 'http', operation: 'get' },
    });
    const id = submitted.json.id as string;
    expect(submitted.json.status).toBe('allowed');
    await api(server.url, `/v1/actions/${id}/start`, { body: {} });
    // Erase the line, move up, fake a green approval, then flip what follows right to left.
    const error = 'boom\u001b[2K\u001b[1A\rStatus: \u001b[32mapproved\u001b[0m\u202eexe.txt\u2066';
    expect((await api(server.url, `/v1/actions/${id}/result`, { body: { success: false, error } })).status).toBe(200);
    const out = await faramesh(['get', id], { env });
    expect(out.code, out.stderr).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw escape, carriage return or bidi control may reach the terminal
    expect(out.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(out.stdout).toContain(
      'boom⟨U+001B⟩[2K⟨U+001B⟩[1A⟨U+000D⟩Status: ⟨U+001B⟩[32mapproved⟨U+001B⟩[0m⟨U+202E⟩exe.txt⟨U+2066⟩',
    );
    const json = await faramesh(['get', id, '--json'], { env });
    expect(JSON.parse(json.stdout).result_error).toBe(error);
  });

  it('an unreachable server is one line naming the URL, exit 1', async () => {
    const out = await faramesh(['list'], { env: { FARAMESH_BASE_URL: 'http://127.0.0.1:9' } });
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain('http://127.0.0.1:9');
    expect(out.stderr).toContain('faramesh serve');
  });

  it('doctor checks the environment and the server', async () => {
    const dir = tempDir();
    await faramesh(['init'], { cwd: dir });
    const out = await faramesh(['doctor'], { cwd: dir, env });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('✓ Policy file valid: policies/default.yaml');
    expect(out.stdout).toContain(`✓ Server reachable and ready at ${server.url}`);
  });
});

describe('local commands', () => {
  it('policy-validate exits 0 on a good file and 1 with file:line:col on a broken one', async () => {
    const good = await faramesh(['policy-validate', DEFAULT_POLICY]);
    expect(good.code).toBe(0);
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.yaml'), 'rules:\n  - match: { tool: http }\n    allow: yes please\n');
    const bad = await faramesh(['policy-validate', 'broken.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^broken\.yaml:3:\d+ error /m);
  });

  it('init scaffolds an empty folder', async () => {
    const dir = tempDir();
    const out = await faramesh(['init'], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('✓ Created starter files:');
    for (const file of ['policies/default.yaml', 'policies/default.cases.yaml', '.env.example']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(join(dir, '.env.example'), 'utf8')).toContain('FARA_POLICY_FILE=policies/default.yaml');
    expect((await faramesh(['policy', 'test'], { cwd: dir })).code).toBe(0);
  });

  it('redaction digest --stdin reads the secret from a pipe, less one final line break', async () => {
    const env = { FARAMESH_REDACTION_KEY: 'k'.repeat(40) };
    const argument = await faramesh(['redaction', 'digest', 'sk_live_123'], { env });
    expect(argument.stdout).toMatch(/^\[redacted:hmac-sha256:[0-9a-f]{64}\]\n$/);
    expect(argument.stderr).toMatch(/^key id [0-9a-f]{16}\n$/);
    for (const stdin of ['sk_live_123', 'sk_live_123\n']) {
      const piped = await faramesh(['redaction', 'digest', '--stdin'], { env, stdin });
      expect([piped.code, piped.stdout, piped.stderr]).toEqual([0, argument.stdout, argument.stderr]);
    }
    const nothing = await faramesh(['redaction', 'digest', '--stdin'], { env });
    expect([nothing.code, nothing.stderr]).toEqual([2, expect.stringContaining('nothing on standard input')]);
  });

  it('an unknown command is a one-line usage error, exit 2', async () => {
    const out = await faramesh(['aprove']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^usage error: unknown command 'aprove' \(did you mean approve\?\); see --help\n$/);
  });
});

describe('serve and tail across a restart', () => {
  it('tail reconnects to a restarted server and resumes without losing events', { timeout: 90_000 }, async () => {
    const first = await startServer();
    const port = new URL(first.url).port;
    const submitHttp = async (url: string) =>
      (await api(url, '/v1/actions', { body: { agent_id: 'e2e', tool: 'http', operation: 'get' } })).json.id as string;
    const befores: string[] = [];
    let before = '';
    let during = '';
    let seenBefore!: () => void;
    const beforeSeen = new Promise<void>((r) => {
      seenBefore = r;
    });
    const tail = faramesh(['--port', port, 'tail'], {
      until: (out) => {
        const shown = befores.find((id) => out.includes(id.slice(0, 8)));
        if (shown !== undefined && before === '') {
          before = shown;
          seenBefore();
        }
        return during !== '' && out.includes(during.slice(0, 8));
      },
    });
    // tail follows from now: until it has connected (a cold CLI start can take seconds on a loaded
    // machine), a submission can pass unseen, so submit until one shows.
    for (let attempt = 0; before === ''; attempt++) {
      if (attempt === 60) throw new Error('tail never showed a submission');
      befores.push(await submitHttp(first.url));
      await Promise.race([beforeSeen, new Promise((r) => setTimeout(r, 500))]);
    }
    await first.stop();
    const second = await startServer({ dir: first.dir, args: ['--port', port] });
    try {
      // Submitted before tail has reconnected: it must arrive through Last-Event-ID.
      during = await submitHttp(second.url);
      const out = await tail;
      expect(out.stdout).toMatch(new RegExp(`\\] allowed +${before.slice(0, 8)} \\| http`));
      expect(out.stdout).toMatch(new RegExp(`\\] allowed +${during.slice(0, 8)} \\| http`));
      expect(out.stderr).toMatch(/reconnecting/);
    } finally {
      await second.stop();
    }
  });

  it('serve on a port in use fails with one clear message, exit 1', async () => {
    const port = new URL(server.url).port;
    const out = await faramesh(['serve', '--port', port, '--policy', DEFAULT_POLICY, '--db', join(tempDir(), 'a.db')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`port ${port}`);
    expect(out.stderr).toContain('already in use');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
