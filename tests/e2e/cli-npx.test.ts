import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, ROOT, type RunningServer, runCli, runNpx, startServer } from './harness.js';

const SHIM = join(ROOT, 'packages/cli/bin/faramesh.js');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).version as string;

// The README says: `npm install && npm start`, then `npx faramesh list`. npm links a workspace's bin
// only if the file exists at install time, so the bin is a committed shim, not the built dist/bin.js.
describe('npx faramesh / npx faracore from the repository root', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs `npx faramesh --version` and `npx faracore --version`', async () => {
    for (const name of ['faramesh', 'faracore']) {
      const out = await runNpx([name, '--version']);
      expect(out.stderr).toBe('');
      expect(out.stdout.trim()).toBe(VERSION);
      expect(out.code).toBe(0);
    }
  });

  it('runs `npx faramesh list` and `npx faracore list` against the server', async () => {
    const action = (
      await api(server.url, '/v1/actions', {
        body: { agent_id: 'npx', tool: 'shell', operation: 'run', params: { cmd: 'ls' } },
      })
    ).json;
    for (const name of ['faramesh', 'faracore']) {
      const out = await runNpx([name, 'list'], { FARAMESH_BASE_URL: server.url });
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(action.id.slice(0, 8));
    }
    const help = await runNpx(['faracore', '--help']);
    expect(help.stdout).toMatch(/^Usage: faracore /);
  });

  it('says "run npm run build" in one line when the CLI is not built yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-shim-'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(SHIM, join(dir, 'bin', 'faramesh.js'));
    const out = await runCli([], { bin: join(dir, 'bin', 'faramesh.js') });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe('faramesh: the CLI is not built yet (packages/cli/dist is missing): run npm run build\n');
  });
});
