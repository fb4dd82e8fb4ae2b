import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import type { ThrowawayCluster } from '../../packages/store/src/postgres/throwaway-cluster.js';
import { api, failToStart, openStream, type RunningServer, startServer, workDir } from './harness.js';

const shell = (cmd: string) => ({ agent_id: 'replica-agent', tool: 'shell', operation: 'run', params: { cmd } });

describeWithPostgres('three replicas on one PostgreSQL database', (cluster) => {
  let pg: ThrowawayCluster;
  let dsn: string;
  let a: RunningServer;
  let b: RunningServer;
  let c: RunningServer;
  const replica = () => startServer({ env: { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn } });

  beforeAll(async () => {
    pg = await cluster();
    dsn = await pg.createDatabase('replicas');
    // Started together: the migration advisory lock lets exactly one of them create the schema.
    [a, b, c] = await Promise.all([replica(), replica(), replica()]);
  });
  afterAll(async () => {
    for (const server of [a, b, c]) await server?.stop();
  });

  it('shows an action submitted on A and approved on B live to an SSE client on C', async () => {
    const stream = openStream(`${c.url}/v1/events`);
    await sleep(200);
    const created = await api(a.url, '/v1/actions', { body: shell('ls -la /tmp') });
    expect(created.status).toBe(201);
    expect(created.json.status).toBe('pending_approval');
    const started = Date.now();
    const approved = await api(b.url, `/v1/actions/${created.json.id}/approval`, {
      body: { token: created.json.approval_token, approve: true },
    });
    expect(approved.json.status).toBe('approved');
    const frames = await stream.waitFor(3, 2000);
    const lag = Date.now() - started;
    await stream.close();
    expect(frames.map((f) => f.event)).toEqual(['action.created', 'action.decided', 'action.approved']);
    expect(frames.every((f) => JSON.parse(f.data).action.id === created.json.id)).toBe(true);
    expect(lag).toBeLessThan(1000);
    expect((await api(c.url, `/v1/actions/${created.json.id}`)).json.status).toBe('approved');
  });

  it('wakes a long-poll on C when the decision lands on B', async () => {
    const created = (await api(a.url, '/v1/actions', { body: shell('rm -rf ./build') })).json;
    const waiting = api(c.url, `/v1/actions/${created.id}/wait?timeout_ms=10000`);
    await sleep(200);
    const started = Date.now();
    await api(b.url, `/v1/actions/${created.id}/approval`, { body: { token: created.approval_token, approve: false } });
    const answered = await waiting;
    expect(answered.json.status).toBe('denied');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('resumes with Last-Event-ID on another replica, delivering exactly the missed events', async () => {
    const first = openStream(`${a.url}/v1/events`);
    await sleep(200);
    await api(b.url, '/v1/actions', { body: shell('echo one') });
    const [seen] = await first.waitFor(1);
    await first.close();
    await api(c.url, '/v1/actions', { body: shell('echo two') });
    await api(a.url, '/v1/actions', { body: shell('echo three') });
    const resumed = openStream(`${b.url}/v1/events`, { 'last-event-id': seen!.id! });
    await resumed.waitFor(5);
    await sleep(300);
    await resumed.close();
    expect(resumed.frames.map((f) => Number(f.id))).toEqual([1, 2, 3, 4, 5].map((n) => Number(seen!.id) + n));
  });

  it('answers 503 store_unavailable while the database is down and recovers without a restart', async () => {
    const acknowledged: string[] = [];
    const statuses = new Set<number>();
    let running = true;
    const submitters = [a, b, c].map(async (server, i) => {
      for (let n = 0; running; n++) {
        const res = await api(server.url, '/v1/actions', { body: shell(`echo ${i}-${n}`) }).catch(() => null);
        if (res === null) continue;
        statuses.add(res.status);
        if (res.status === 201) acknowledged.push(res.json.id);
        else {
          expect(res.status).toBe(503);
          expect(res.json.error.code).toBe('store_unavailable');
          await sleep(50);
        }
      }
    });
    const watching = openStream(`${c.url}/v1/events`);
    await expect.poll(() => acknowledged.length, { timeout: 15_000 }).toBeGreaterThan(30);
    await pg.stop();
    const ready = await api(a.url, '/ready');
    expect(ready.status).toBe(503);
    expect(ready.json.reasons).toContain('database_unavailable');
    await expect.poll(() => statuses.has(503), { timeout: 10_000 }).toBe(true);
    await pg.start();
    const before = acknowledged.length;
    await expect.poll(() => acknowledged.length, { timeout: 10_000 }).toBeGreaterThan(before + 30);
    running = false;
    await Promise.all(submitters);

    for (const server of [a, b, c]) {
      // Readiness reports are cached for a second: poll until the fresh one.
      await expect.poll(async () => (await api(server.url, '/ready')).status, { timeout: 10_000 }).toBe(200);
      const ready = await api(server.url, '/ready');
      expect(ready.json.checks.database).toMatchObject({
        ok: true,
        backend: 'postgres',
        durability: { synchronous_commit: 'on' },
      });
    }
    const listed = new Set<string>();
    for (let offset = 0; ; offset += 200) {
      const page = (await api(a.url, `/v1/actions?limit=200&offset=${offset}`)).json;
      for (const item of page.items) listed.add(item.id);
      if (page.items.length < 200) break;
    }
    expect(acknowledged.filter((id) => !listed.has(id))).toEqual([]);

    // An SSE client that lived through the outage resumes (as EventSource would) from its last id and,
    // across both connections, receives every event exactly once, in order, whichever replica wrote it.
    const lastSeen = watching.frames.at(-1)?.id ?? '0';
    await watching.close().catch(() => {});
    const marker = (await api(b.url, '/v1/actions', { body: shell('echo marker') })).json;
    const resumed = openStream(`${c.url}/v1/events`, { 'last-event-id': lastSeen });
    await expect
      .poll(() => resumed.frames.some((f) => JSON.parse(f.data).action.id === marker.id), { timeout: 5000 })
      .toBe(true);
    await resumed.close();
    const ids = [...watching.frames, ...resumed.frames].map((f) => Number(f.id));
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0]! + i));
    const streamed = new Set([...watching.frames, ...resumed.frames].map((f) => JSON.parse(f.data).action.id));
    expect(acknowledged.filter((id) => !streamed.has(id))).toEqual([]);
  });

  it('refuses to start when the configured PostgreSQL is unreachable, naming the host', async () => {
    const base = workDir();
    const { code, output } = await failToStart({
      ...base,
      env: { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: 'postgres://faramesh:secret@127.0.0.1:1/faramesh' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain('PostgreSQL is unreachable');
    expect(output).toContain('127.0.0.1:1/faramesh');
    expect(output).not.toContain('secret');
    expect(output).toContain('refusing to start or fall back to SQLite');
  });
});
