import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createSqliteStore } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/config.js';
import { createServer, type FarameshServer } from '../server.js';
import { TEST_POLICY } from '../testing/test-server.js';

const ROOT = 'env-admin-root-secrecy';

let server: FarameshServer | undefined;
afterEach(() => server?.close());

describe('token secrecy', () => {
  it('never shows a secret or its digest in any answer, log line, ledger event or export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-secrecy-'));
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, TEST_POLICY);
    const dbPath = join(dir, 'faramesh.db');
    const logs: string[] = [];
    const config = resolveConfig(
      { policyFile, port: 0 },
      { FARAMESH_TOKENS: `root:admin:${ROOT}`, FARAMESH_LOG_REQUESTS: '1' },
      {},
      dir,
    );
    server = await createServer(config, {
      store: createSqliteStore({ path: dbPath }),
      readinessCacheMs: 0,
      httpLogger: {
        level: 'trace',
        stream: new Writable({
          write(chunk, _encoding, done) {
            logs.push(String(chunk));
            done();
          },
        }),
      },
    });
    const answers: string[] = [];
    const call = async (token: string, method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await server!.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload !== undefined && { payload }),
      });
      answers.push(JSON.stringify(res.headers), res.body);
      return res;
    };

    const secrets: string[] = [];
    const createdAnswers: string[] = [];
    for (const body of [
      { name: 'alice', role: 'approver', groups: ['finance'] },
      { name: 'etl', role: 'agent', agent_ids: ['etl-*'] },
      { name: 'ops', role: 'admin', expires_in: '30d' },
    ]) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: { authorization: `Bearer ${ROOT}` },
        payload: body,
      });
      createdAnswers.push(res.body);
      secrets.push(res.json().secret);
    }
    const [alice, etl, ops] = secrets as [string, string, string];
    const action = (
      await call(etl, 'POST', '/v1/actions', {
        agent_id: 'etl-1',
        tool: 'shell',
        operation: 'run',
        params: { cmd: 'ls' },
      })
    ).json();
    const approvalToken = (await call(alice, 'GET', `/v1/actions/${action.id}`)).json().approval_token;
    await call(alice, 'POST', `/v1/actions/${action.id}/approval`, {
      token: approvalToken,
      approve: true,
      reason: 'ok',
    });
    await call(etl, 'POST', `/v1/actions/${action.id}/start`);
    await call(etl, 'POST', `/v1/actions/${action.id}/result`, { success: true });
    for (const token of [ROOT, ops]) {
      await call(token, 'GET', '/v1/tokens');
      await call(token, 'GET', '/v1/tokens/alice');
      await call(token, 'GET', '/v1/auth/whoami');
      await call(token, 'GET', '/v1/actions');
      await call(token, 'GET', `/v1/actions/${action.id}/events`);
      await call(token, 'GET', `/v1/actions/${action.id}/explain`);
      await call(token, 'GET', '/v1/audit/export');
      await call(token, 'GET', '/v1/audit/verify');
      await call(token, 'GET', '/ready');
      await call(token, 'GET', '/v1/policy');
    }
    await call(etl, 'GET', '/v1/auth/whoami');
    await call(alice, 'GET', '/v1/auth/whoami');
    await call(ROOT, 'POST', '/v1/tokens/etl/revoke');
    await call(etl, 'GET', '/v1/actions');
    await call(ROOT, 'GET', '/openapi.json');
    await call(ROOT, 'GET', '/metrics');
    const ledger = JSON.stringify(await server.context.store.eventsAfter(0, 1000));
    const stored = await server.context.store.tokens.list({ limit: 10 });
    const digests = stored.map((token) => token.secret_hash);
    expect(digests).toHaveLength(3);
    await server.close();
    server = undefined;
    const database = readFileSync(dbPath).toString('latin1') + readWal(dbPath);

    const everything = [...answers, ...logs, ledger];
    expect(answers.length).toBeGreaterThan(60);
    expect(logs.length).toBeGreaterThan(30);
    for (const secret of secrets) {
      expect(secret).toMatch(/^fm_/);
      // The body of the secret, so that no re-encoding of the prefix hides it.
      const body = secret.slice(3);
      for (const text of everything) expect(text).not.toContain(body);
      expect(database).not.toContain(body);
      // Only the answer that created it.
      expect(createdAnswers.filter((text) => text.includes(body))).toHaveLength(1);
    }
    for (const digest of digests) {
      for (const text of [...everything, ...createdAnswers]) {
        expect(text.toLowerCase()).not.toContain(digest);
        expect(text).not.toContain(Buffer.from(digest, 'hex').toString('base64'));
      }
    }
  });
});

function readWal(dbPath: string): string {
  try {
    return readFileSync(`${dbPath}-wal`).toString('latin1');
  } catch {
    return '';
  }
}
