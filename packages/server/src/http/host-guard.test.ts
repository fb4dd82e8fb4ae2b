import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { hostNameOf } from './host-guard.js';
import { isCrossSiteWrite } from './origin-guard.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const UI_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));
const ADMIN = 'admin-token-000';
const shell = { agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'ls' } };

async function start(env: Record<string, string> = {}): Promise<Server> {
  server = await startTestServer({ env: { FARAMESH_UI_DIR: UI_DIR, ...env } });
  return server;
}

const ROUTES: ReadonlyArray<readonly ['GET' | 'POST', string]> = [
  ['GET', '/v1/actions'],
  ['POST', '/v1/actions'],
  ['GET', '/v1/events'],
  ['GET', '/'],
  ['GET', '/playground'],
  ['GET', '/health'],
  ['GET', '/ready'],
  ['GET', '/metrics'],
  ['GET', '/openapi.json'],
  ['GET', '/no/such/route'],
];

describe('Host guard in open mode (DNS rebinding)', () => {
  it.each(['localhost', 'localhost:8000', 'LOCALHOST:1', '127.0.0.1', '127.0.0.1:8000', '[::1]', '[::1]:8000'])(
    'accepts the loopback Host %s',
    async (host) => {
      const s = await start();
      const res = await s.app.inject({ url: '/v1/actions', headers: { host } });
      expect(res.statusCode).toBe(200);
    },
  );

  it.each(ROUTES)('answers %s %s for a rebinding Host with 421 host_not_allowed', async (method, url) => {
    const s = await start();
    const res = await s.app.inject({
      method,
      url,
      headers: { host: 'rebind.evil.example:8000', origin: 'http://rebind.evil.example:8000' },
      ...(method === 'POST' && { payload: shell }),
    });
    expect(res.statusCode).toBe(421);
    expect(res.json().error).toMatchObject({ code: 'host_not_allowed', details: { host: 'rebind.evil.example:8000' } });
    expect((await s.app.inject({ url: '/v1/actions', headers: { host: 'localhost' } })).json().total).toBe(0);
  });

  it.each([
    'localhost.',
    '127.0.0.2',
    '0.0.0.0:8000',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    'user@localhost',
    'localhost:80:80',
  ])('refuses the look-alike Host %j', async (host) => {
    const s = await start();
    expect((await s.app.inject({ url: '/health', headers: { host } })).statusCode).toBe(421);
  });

  it('accepts hosts from FARAMESH_ALLOWED_HOSTS and the host of FARAMESH_PUBLIC_URL, at any port', async () => {
    const s = await start({
      FARAMESH_ALLOWED_HOSTS: 'gate.internal, 10.0.0.5',
      FARAMESH_PUBLIC_URL: 'https://Faramesh.Example.com/base',
    });
    for (const host of ['gate.internal', 'GATE.internal:9000', '10.0.0.5:8000', 'faramesh.example.com', 'localhost']) {
      expect((await s.app.inject({ url: '/v1/actions', headers: { host } })).statusCode).toBe(200);
    }
    expect((await s.app.inject({ url: '/v1/actions', headers: { host: 'other.example.com' } })).statusCode).toBe(421);
  });
});

describe('Host guard with tokens', () => {
  it('accepts any Host when no host list is configured: a rebinding page has no bearer token', async () => {
    const s = await start({ FARAMESH_TOKEN: ADMIN });
    const anonymous = await s.app.inject({ url: '/v1/actions', headers: { host: 'rebind.evil.example' } });
    expect(anonymous.statusCode).toBe(401);
    const probe = await s.app.inject({ url: '/health', headers: { host: '10.1.2.3:8000' } });
    expect(probe.statusCode).toBe(200);
  });

  it('enforces FARAMESH_ALLOWED_HOSTS when it is set, even with a valid token', async () => {
    const s = await start({ FARAMESH_TOKEN: ADMIN, FARAMESH_ALLOWED_HOSTS: 'faramesh.corp.example' });
    const authorization = `Bearer ${ADMIN}`;
    const wrong = await s.app.inject({ url: '/v1/actions', headers: { host: 'evil.example', authorization } });
    expect(wrong.statusCode).toBe(421);
    const right = await s.app.inject({ url: '/v1/actions', headers: { host: 'faramesh.corp.example', authorization } });
    expect(right.statusCode).toBe(200);
  });
});

describe('cross-site guard under DNS rebinding', () => {
  const rebinding = { host: 'rebind.evil.example:8000', origin: 'http://rebind.evil.example:8000' };
  const loopbackOnly = (host: string | undefined) => hostNameOf(host) === 'localhost';

  it('no longer trusts an Origin equal to the Host when that Host is not accepted', () => {
    expect(isCrossSiteWrite('POST', rebinding, [], loopbackOnly)).toBe(true);
    expect(
      isCrossSiteWrite('POST', { host: 'localhost:8000', origin: 'http://localhost:8000' }, [], loopbackOnly),
    ).toBe(false);
  });

  it('still lets non-browser clients (no Origin) and reads through', () => {
    expect(isCrossSiteWrite('POST', { host: 'localhost:8000' }, [], loopbackOnly)).toBe(false);
    expect(isCrossSiteWrite('GET', rebinding, [], loopbackOnly)).toBe(false);
  });
});

describe('Host guard over a real socket', () => {
  it('answers a spoofed Host with a JSON 421 on the API, the dashboard and the event stream', async () => {
    const s = await start();
    const { port } = await s.listen();
    for (const path of ['/v1/actions?limit=1', '/', '/v1/events']) {
      const answer = await rawGet(port, path, 'rebind.evil.example:8000');
      expect(answer.status).toBe(421);
      expect(answer.contentType).toContain('application/json');
      expect(JSON.parse(answer.body).error.code).toBe('host_not_allowed');
    }
    const local = await rawGet(port, '/v1/actions?limit=1', `127.0.0.1:${port}`);
    expect(local.status).toBe(200);
  });
});

/** A GET with an exact Host header (fetch would not let us spoof it). */
function rawGet(
  port: number,
  path: string,
  host: string,
): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, contentType: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
