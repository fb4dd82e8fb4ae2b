import { beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import type { ThrowawayCluster } from '../../packages/store/src/postgres/throwaway-cluster.js';
import { api, runCli, startServer, workDir } from './harness.js';

const cli = async (args: string[], env: Record<string, string>, cwd: string) => {
  const result = await runCli(args, { env, cwd });
  return { code: result.code, out: result.stdout + result.stderr };
};

describeWithPostgres('faramesh migrate', (cluster) => {
  let pg: ThrowawayCluster;
  beforeAll(async () => {
    pg = await cluster();
  });

  it('migrates the configured database and copies a SQLite ledger into PostgreSQL that still verifies', async () => {
    const dir = workDir();
    const sqlite = await startServer({ dir: dir.dir });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(
        (
          await api(sqlite.url, '/v1/actions', {
            body: { agent_id: 'm', tool: 'shell', operation: 'run', params: { i } },
          })
        ).json.id,
      );
    }
    await sqlite.stop();

    const dsn = await pg.createDatabase('migrate_cli');
    const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn };
    const schema = await cli(['migrate', '--json'], env, dir.dir);
    expect(schema.code, schema.out).toBe(0);
    expect(JSON.parse(schema.out)).toMatchObject({ backend: 'postgres', to: expect.any(Number) });

    const copy = await cli(['migrate', '--from', `sqlite:${dir.db}`], env, dir.dir);
    expect(copy.code, copy.out).toBe(0);
    expect(copy.out).toContain('Copied 5 actions and 10 ledger events');
    const again = await cli(['migrate', '--from', `sqlite:${dir.db}`], env, dir.dir);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain('already copied');

    const onPostgres = await startServer({ env });
    try {
      expect((await api(onPostgres.url, `/v1/actions/${ids[2]}`)).json.id).toBe(ids[2]);
      expect((await api(onPostgres.url, '/v1/audit/verify')).json).toMatchObject({ ok: true, events: 10 });
    } finally {
      await onPostgres.stop();
    }
    const bad = await cli(['migrate', '--from', 'mysql:x'], env, dir.dir);
    expect(bad.code).toBe(2);
  });
});
