import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cli } from './testing/harness.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('usage errors', () => {
  it('names an unknown command and the closest one, exit 2, one line', async () => {
    const out = await cli(['lst']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /^usage error: unknown command 'lst' \(did you mean (one of )?list\b.*\?\); see --help\n$/,
    );
    expect(out.stdout).toBe('');
  });

  it('names an unknown flag and the closest one, exit 2', async () => {
    const out = await cli(['list', '--ful']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe("usage error: unknown option '--ful' (did you mean --full?); see --help\n");
  });

  it('reports a missing argument as a usage error', async () => {
    const out = await cli(['get']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^usage error: missing required argument 'id'/);
  });

  it('rejects a bad --limit and a bad port with exit 2', async () => {
    expect((await cli(['list', '--limit', '0'])).code).toBe(2);
    const port = await cli(['--port', 'abc', 'list']);
    expect(port.code).toBe(2);
    expect(port.stderr).toBe("error: invalid port 'abc': expected a number from 1 to 65535\n");
  });

  it('prints help and version with exit 0', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'serve',
      'list',
      'get',
      'explain',
      'events',
      'approve|allow',
      'deny',
      'replay',
      'curl',
      'tail',
      'logs',
    ]) {
      expect(help.stdout).toContain(command);
    }
    for (const command of [
      'init',
      'init-docker',
      'build-ui',
      'doctor',
      'policy-diff',
      'policy-validate',
      'policy-refresh',
      'policy-test',
      'completion',
    ]) {
      expect(help.stdout).toContain(command);
    }
    expect((await cli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('server errors', () => {
  it('says which URL is unreachable and how to start the server, exit 1, no stack', async () => {
    const port = await closedPort();
    const out = await cli(['--port', String(port), 'list']);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      `error: cannot reach Faramesh at http://127.0.0.1:${port} (ECONNREFUSED); start it with \`faramesh serve\` or set --host/--port or FARAMESH_BASE_URL\n`,
    );
  });

  it('lists the candidates of an ambiguous prefix and exits 1', async () => {
    const candidates = [
      {
        id: 'abcd1111-0000-4000-8000-000000000000',
        tool: 'shell',
        operation: 'run',
        status: 'allowed',
        created_at: '2026-01-12T10:00:00Z',
      },
      {
        id: 'abcd2222-0000-4000-8000-000000000000',
        tool: 'http',
        operation: 'get',
        status: 'denied',
        created_at: '2026-01-12T10:00:01Z',
      },
    ];
    const fetch = (async () =>
      json(409, {
        error: { code: 'ambiguous_prefix', message: 'prefix abcd matches 2 actions', details: { candidates } },
      })) as typeof globalThis.fetch;
    const out = await cli(['approve', 'abcd'], { fetch });
    expect(out.code).toBe(1);
    const lines = out.stderr.trim().split('\n');
    expect(lines[0]).toBe('error ambiguous_prefix: prefix abcd matches 2 actions');
    expect(lines[1]).toMatch(/^ {2}abcd1111-0000-4000-8000-000000000000 {2}allowed +shell run/);
    expect(lines[2]).toMatch(/^ {2}abcd2222-/);
  });

  it('prints validation details under the error line', async () => {
    const fetch = (async () =>
      json(400, {
        error: {
          code: 'validation_failed',
          message: 'invalid query',
          details: [{ path: 'limit', message: 'must be <= 500' }],
        },
      })) as typeof globalThis.fetch;
    const out = await cli(['list'], { fetch });
    expect(out.stderr).toBe('error validation_failed: invalid query\n  limit: must be <= 500\n');
  });

  it('sends --token as a bearer token and reports 401 with its code', async () => {
    let auth: string | null = null;
    const fetch = (async (_url: string, init?: RequestInit) => {
      auth = new Headers(init?.headers).get('authorization');
      return json(401, { error: { code: 'unauthorized', message: 'invalid token', details: null } });
    }) as typeof globalThis.fetch;
    const out = await cli(['--token', 'my-token', 'list'], { fetch });
    expect(auth).toBe('Bearer my-token');
    expect(out.stderr).toBe('error unauthorized: invalid token\n');
    expect(out.code).toBe(1);
  });
});
