import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

const ADMIN = 'admin-token-123456';
const APPROVER = 'approver-token-123456';
const TOKENS = { FARAMESH_TOKENS: `root:admin:${ADMIN},ann:approver:${APPROVER}` };

type Server = Awaited<ReturnType<typeof startTestServer>>;
let running: Server | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

const archive = (s: Server, payload: unknown, token = ADMIN) =>
  s.app.inject({
    method: 'POST',
    url: '/v1/audit/archive',
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object,
  });

describe('POST /v1/audit/archive', () => {
  it('is for admins only, and validates the cutoff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-archive-route-'));
    running = await startTestServer({
      store: createSqliteStore({ path: join(dir, 'actions.db') }),
      env: { ...TOKENS, FARAMESH_ARCHIVE_DIR: join(dir, 'archive') },
    });
    expect((await archive(running, { before: '90d' }, APPROVER)).json().error.code).toBe('forbidden');
    for (const payload of [
      {},
      { before: '90d', extra: 1 },
      { before: 'last tuesday' },
      { before: '2999-01-01T00:00:00Z' },
    ]) {
      const res = await archive(running, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const empty = await archive(running, { before: '1d' });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ archived: false, range: null, dir: join(dir, 'archive') });
  });

  it('plans a dry run without an archive directory, and archives once one is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-archive-route-'));
    const path = join(dir, 'actions.db');
    let clock = Date.parse('2030-01-01T00:00:00.000Z');
    const now = () => new Date(clock);
    running = await startTestServer({ store: createSqliteStore({ path }), env: TOKENS, now });
    const submitted = await running.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { agent_id: 'a', tool: 'db', operation: 'drop', params: {} },
    });
    expect(submitted.json().status).toBe('denied');
    clock += 10 * 86_400_000;
    expect((await archive(running, { before: '7d', dry_run: true })).json()).toMatchObject({
      dry_run: true,
      range: { first_seq: 1, last_seq: 2 },
      removed_actions: 1,
    });
    expect((await archive(running, { before: '7d' })).json().error.code).toBe('archive_not_configured');
    await running.close();
    running = await startTestServer({
      store: createSqliteStore({ path }),
      env: { ...TOKENS, FARAMESH_ARCHIVE_DIR: join(dir, 'archive') },
      now,
    });
    const done = await archive(running, { before: '7d' });
    expect(done.json()).toMatchObject({
      archived: true,
      removed_actions: 1,
      segments: [{ first_seq: 1, last_seq: 2 }],
    });
    expect(readdirSync(join(dir, 'archive'))).toEqual([done.json().segments[0].file]);
    expect((await running.app.inject({ url: '/ready' })).statusCode).toBe(200);
  });

  // A recursive mkdir under /proc never returns: without the check the request hangs and this times out.
  it.runIf(existsSync('/proc/self'))(
    'answers archive_dir_unusable at once for a directory under /proc',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'faramesh-archive-route-'));
      running = await startTestServer({
        store: createSqliteStore({ path: join(dir, 'actions.db') }),
        env: { ...TOKENS, FARAMESH_ARCHIVE_DIR: '/proc/faramesh/archive' },
      });
      const res = await archive(running, { before: '1d' });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        error: {
          code: 'archive_dir_unusable',
          message:
            'cannot write archive segments to /proc/faramesh/archive: /proc is on proc, a kernel filesystem that holds no files',
          details: { dir: '/proc/faramesh/archive', code: 'pseudo_filesystem' },
        },
      });
    },
    5_000,
  );

  it('answers archive_not_configured on a memory store', async () => {
    running = await startTestServer({ env: { ...TOKENS, FARAMESH_ARCHIVE_DIR: join(tmpdir(), 'unused-archive') } });
    const res = await archive(running, { before: '1d' });
    expect(res.statusCode).toBe(501);
    expect(res.json().error.code).toBe('archive_not_configured');
  });
});
