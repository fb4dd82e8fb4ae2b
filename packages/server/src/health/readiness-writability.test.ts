import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/config.js';
import { createServer, type FarameshServer } from '../server.js';
import { TEST_POLICY } from '../testing/test-server.js';

// Root ignores file modes, so as root a file or directory is made read-only with the immutable
// attribute (or, where the filesystem has none, a read-only bind mount); as anyone else, chmod.
const isRoot = process.getuid?.() === 0;
const cleanups: Array<() => void> = [];
let server: FarameshServer | null = null;

afterEach(async () => {
  await server?.close().catch(() => {});
  server = null;
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-ready-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function makeReadOnly(path: string, mode: number): void {
  if (!isRoot) {
    chmodSync(path, mode);
    cleanups.push(() => chmodSync(path, 0o755));
    return;
  }
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'pipe' });
    cleanups.push(() => execFileSync('chattr', ['-i', path]));
  } catch {
    execFileSync('mount', ['--bind', path, path]);
    execFileSync('mount', ['-o', 'remount,ro,bind', path]);
    cleanups.push(() => execFileSync('umount', [path]));
  }
}

async function serve(dir: string, dbPath: string, env: Record<string, string> = {}) {
  writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY);
  const config = resolveConfig({ policyFile: join(dir, 'policy.yaml'), dbPath, port: 0 }, env, {}, dir);
  server = await createServer(config, { readinessCacheMs: 0 });
  return server;
}

/** Creates and migrates a database, then stops, so the next start finds it as it is. */
async function prepared(dbPath: string): Promise<void> {
  const dir = tempDir();
  await (await serve(dir, dbPath)).close();
  server = null;
}

const submit = (s: FarameshServer, pad = 0) =>
  s.app.inject({
    method: 'POST',
    url: '/v1/actions',
    payload: { agent_id: 'a1', tool: 'http', operation: 'get', params: { pad: 'x'.repeat(pad) } },
  });

describe('/ready reflects writability (SQLite)', () => {
  it('is 503 database_unwritable while every submission is 503, when started on a read-only file', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'actions.db');
    await prepared(dbPath);
    makeReadOnly(dbPath, 0o444);
    const s = await serve(dir, dbPath);
    const write = await submit(s);
    expect(write.statusCode).toBe(503);
    expect(write.json().error.code).toBe('store_unavailable');
    const ready = await s.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ ready: false, status: 'unready', reasons: ['database_unwritable'] });
    expect(ready.json().checks.database).toMatchObject({ ok: false, reason: 'database_unwritable', location: dbPath });
  });

  it('refuses to start, naming the file, on a database in a read-only directory', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const dbPath = join(dataDir, 'actions.db');
    await prepared(dbPath);
    makeReadOnly(dataDir, 0o555);
    await expect(serve(dir, dbPath)).rejects.toThrow(dbPath);
  });

  it.skipIf(!isRoot)(
    'is 503 disk_full while submissions fail on a full disk, and ready again once space is freed',
    async () => {
      const dir = tempDir();
      const mountPoint = join(dir, 'small');
      mkdirSync(mountPoint);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
      cleanups.push(() => execFileSync('umount', [mountPoint]));
      const s = await serve(dir, join(mountPoint, 'actions.db'), { FARAMESH_MIN_FREE_BYTES: String(512 * 1024) });
      expect((await submit(s)).statusCode).toBe(201);
      expect((await s.app.inject({ url: '/ready' })).statusCode).toBe(200);

      const filler = join(mountPoint, 'filler');
      const fd = openSync(filler, 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(64 * 1024));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }
      const statuses = new Set<number>();
      for (let i = 0; i < 20; i++) statuses.add((await submit(s, 20_000)).statusCode);
      expect(statuses).toEqual(new Set([503]));
      const ready = await s.app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().reasons).toContain('disk_full');
      expect(ready.json().checks.disk_space).toMatchObject({ ok: false, min_free_bytes: 512 * 1024 });

      rmSync(filler);
      expect((await submit(s)).statusCode).toBe(201);
      expect((await s.app.inject({ url: '/ready' })).json()).toMatchObject({ ready: true, reasons: [] });
    },
  );
});

describe('/ready shows details only to admins', () => {
  it('answers the public and non-admins with status and reason codes only, admins with the checks', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'actions.db');
    const s = await serve(dir, dbPath, {
      FARAMESH_TOKEN: 'admin-token-000',
      FARAMESH_TOKENS: 'ann:approver:approver-token-1',
    });
    for (const authorization of [undefined, 'Bearer approver-token-1', 'Bearer wrong-token-9']) {
      const res = await s.app.inject({ url: '/ready', headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ready: true, status: 'ready', reasons: [] });
      expect(res.body).not.toContain(dir);
    }
    const admin = await s.app.inject({ url: '/ready', headers: { authorization: 'Bearer admin-token-000' } });
    expect(admin.json().checks).toMatchObject({
      database: { ok: true, backend: 'sqlite', location: dbPath },
      disk_space: { ok: true },
      policy: { ok: true, file: join(dir, 'policy.yaml') },
    });
  });
});
