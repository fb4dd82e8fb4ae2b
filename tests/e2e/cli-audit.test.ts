import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { api, BIN, runCli, startServer, workDir } from './harness.js';

describe('faramesh audit', () => {
  it('verifies the ledger through the server and from the file, exports it, and catches an edit', async () => {
    const dir = workDir();
    const server = await startServer({ dir: dir.dir });
    const env = { FARAMESH_BASE_URL: server.url };
    try {
      for (let i = 0; i < 3; i += 1) {
        await api(server.url, '/v1/actions', {
          body: { agent_id: 'a', tool: 'http', operation: 'get', params: { i } },
        });
      }
      const verified = await runCli(['audit', 'verify', '--json'], { env });
      expect(verified.code, verified.stderr).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, events: 6, head: { seq: 6 } });

      const exported = await runCli(['audit', 'export', '--after', '2'], { env });
      expect(exported.code, exported.stderr).toBe(0);
      const lines = exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines.map((l) => l.seq)).toEqual([3, 4, 5, 6]);
    } finally {
      await server.stop();
    }

    expect((await runCli(['audit', 'verify', '--db', dir.db])).code).toBe(0);
    const raw = new Database(dir.db);
    raw.prepare(`UPDATE action_events SET meta = '{}' WHERE seq = 3`).run();
    raw.close();
    const tampered = await runCli(['audit', 'verify', '--db', dir.db]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('Ledger does NOT verify: 1 problem(s)');
    expect(tampered.stderr).toContain('hash_mismatch');
  });

  it('stops quietly with status 0 when the reader of its output goes away (audit export | head -1)', async () => {
    const server = await startServer();
    try {
      // ~300 events of about a kilobyte each: far more than a pipe holds, so writes fail once head exits.
      await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          api(server.url, '/v1/actions', {
            body: { agent_id: 'a', tool: 'http', operation: 'get', params: { i, note: 'x'.repeat(300) } },
          }),
        ),
      );
      const shell = spawn('bash', ['-c', `node "${BIN}" audit export | head -1; echo "status=\${PIPESTATUS[0]}" >&2`], {
        env: { PATH: process.env.PATH ?? '', FARAMESH_BASE_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      shell.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      shell.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await new Promise((done) => shell.once('exit', done));
      expect(stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(stdout)).toMatchObject({ seq: 1 });
      expect(stderr).toBe('status=0\n');
    } finally {
      await server.stop();
    }
  });
});
