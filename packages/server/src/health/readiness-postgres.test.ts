import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../store/src/postgres/postgres-cluster.test-support.js';
import type { ThrowawayCluster } from '../../../store/src/postgres/throwaway-cluster.js';
import { resolveConfig } from '../config/config.js';
import { createServer, type FarameshServer } from '../server.js';
import { TEST_POLICY } from '../testing/test-server.js';

describeWithPostgres('/ready reflects writability (PostgreSQL)', (cluster) => {
  let postgres: ThrowawayCluster;
  let server: FarameshServer;
  let dir: string;

  beforeAll(async () => {
    postgres = await cluster();
    const dsn = await postgres.createDatabase('readiness');
    dir = mkdtempSync(join(tmpdir(), 'faramesh-ready-pg-'));
    writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY);
    const config = resolveConfig(
      { policyFile: join(dir, 'policy.yaml'), port: 0 },
      { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn },
      {},
      dir,
    );
    server = await createServer(config, { readinessCacheMs: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = () =>
    server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: { agent_id: 'a1', tool: 'http', operation: 'get' },
    });
  const ready = () => server.app.inject({ url: '/ready' });

  /** Turns every transaction of the cluster read-only (as on a standby), for existing sessions too. */
  async function setReadOnly(on: boolean): Promise<void> {
    const admin = new pg.Client({ connectionString: postgres.dsn });
    await admin.connect();
    try {
      await admin.query(`ALTER SYSTEM SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
      await admin.query('SELECT pg_reload_conf()');
    } finally {
      await admin.end();
    }
  }

  it('is ready while PostgreSQL accepts writes', async () => {
    expect((await submit()).statusCode).toBe(201);
    expect((await ready()).json()).toMatchObject({ ready: true, status: 'ready', reasons: [] });
  });

  it('is 503 database_unwritable while transactions are read-only and submissions are 503', async () => {
    await setReadOnly(true);
    try {
      await expect.poll(async () => (await ready()).statusCode).toBe(503);
      expect((await ready()).json()).toMatchObject({ status: 'unready', reasons: ['database_unwritable'] });
      const write = await submit();
      expect(write.statusCode).toBe(503);
      expect(write.json().error.code).toBe('store_unavailable');
    } finally {
      await setReadOnly(false);
    }
    await expect.poll(async () => (await ready()).statusCode).toBe(200);
    expect((await submit()).statusCode).toBe(201);
  });

  it('is 503 database_unavailable while PostgreSQL is down, and ready again after', async () => {
    await postgres.stop();
    try {
      const down = await ready();
      expect(down.statusCode).toBe(503);
      expect(down.json().reasons).toEqual(['database_unavailable']);
    } finally {
      await postgres.start();
    }
    await expect.poll(async () => (await ready()).statusCode, { timeout: 10_000 }).toBe(200);
  });
});
