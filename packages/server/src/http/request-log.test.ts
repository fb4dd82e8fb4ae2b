import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createMemoryStore } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/config.js';
import { createServer, type FarameshServer } from '../server.js';
import { TEST_POLICY } from '../testing/test-server.js';
import { requestLogOptions } from './request-log.js';

let server: FarameshServer | undefined;
afterEach(() => server?.close());

async function loggingServer(lines: string[]): Promise<FarameshServer> {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-request-log-'));
  writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY);
  const config = resolveConfig(
    { policyFile: join(dir, 'policy.yaml'), port: 0 },
    { FARAMESH_TOKENS: 'bot:agent:request-log-secret-token', FARAMESH_LOG_REQUESTS: '1' },
    {},
    dir,
  );
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return createServer(config, { store: createMemoryStore(), httpLogger: requestLogOptions(stream) });
}

describe('request log (FARAMESH_LOG_REQUESTS)', () => {
  it('logs each request and its response as JSON lines: method, path and status', async () => {
    const lines: string[] = [];
    server = await loggingServer(lines);
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: { authorization: 'Bearer request-log-secret-token' },
      payload: { agent_id: 'bot', tool: 'http', operation: 'get', params: { url: 'https://x' } },
    });
    expect(res.statusCode).toBe(201);
    const entries = lines.map((line) => JSON.parse(line));
    const incoming = entries.find((entry) => entry.msg === 'incoming request');
    const completed = entries.find((entry) => entry.msg === 'request completed');
    expect(incoming.req).toMatchObject({ method: 'POST', path: '/v1/actions' });
    expect(completed.res.statusCode).toBe(201);
    expect(completed.reqId).toBe(incoming.reqId);
  });

  it('never logs a header or a query string, where tokens and link secrets travel', async () => {
    const lines: string[] = [];
    server = await loggingServer(lines);
    await server.app.inject({
      method: 'GET',
      url: '/v1/actions?t=link-secret-in-query',
      headers: { authorization: 'Bearer request-log-secret-token', cookie: 'faramesh_session=cookie-secret' },
    });
    await server.app.inject({ method: 'GET', url: '/v1/actions', headers: { authorization: 'Bearer wrong-secret' } });
    const log = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(log).toContain('"path":"/v1/actions"');
    for (const secret of ['request-log-secret-token', 'link-secret-in-query', 'cookie-secret', 'wrong-secret']) {
      expect(log).not.toContain(secret);
    }
  });
});
