import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import type { ThrowawayCluster } from '../../packages/store/src/postgres/throwaway-cluster.js';
import { api, type RunningServer, runCli, startServer, workDir } from './harness.js';

/** The CLI with a hook that kills it (SIGKILL) when an archive reaches the step given as its first argument. */
const CRASH_BIN = join(import.meta.dirname, 'archive-crash-cli.mjs');

/** Runs the CLI; with `crashAt`, killed (SIGKILL) when its archive reaches that step. */
const runCrashable = (args: string[], options: { env: Record<string, string>; cwd: string }, crashAt?: string) =>
  crashAt === undefined ? runCli(args, options) : runCli([crashAt, ...args], { ...options, bin: CRASH_BIN });

/** 3 actions before the cutoff (one finished, one denied, one pending), 2 after; returns the cutoff. */
async function ledgerWithCutoff(server: RunningServer): Promise<string> {
  const submit = (tool: string, operation: string, params: object) =>
    api(server.url, '/v1/actions', { body: { agent_id: 'retention', tool, operation, params } });
  const done = (await submit('http', 'get', { url: 'https://example.com/1' })).json.id;
  expect((await api(server.url, `/v1/actions/${done}/result`, { body: { success: true } })).status).toBe(200);
  await submit('db', 'drop', { table: 'users' });
  await submit('shell', 'run', { cmd: 'ls' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const cutoff = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await submit('http', 'get', { url: 'https://example.com/2' });
  await submit('db', 'drop', { table: 'orders' });
  return cutoff;
}

const segmentFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.jsonl'));

describe('faramesh archive (SQLite)', () => {
  it('archives, survives a kill -9 at each step, verifies the rest and the segments, and catches tampering', async () => {
    const dir = workDir();
    const out = join(dir.dir, 'archive');
    const keygen = await runCli(['audit', 'keygen', '--json']);
    const key = JSON.parse(keygen.stdout) as { secret: string; public: string; key_id: string };
    const env = { FARAMESH_LEDGER_KEY: key.secret };
    const server = await startServer({ dir: dir.dir, env });
    let cutoff: string;
    try {
      cutoff = await ledgerWithCutoff(server);
    } finally {
      await server.stop();
    }
    /** The archive command; with `crashAt`, killed (SIGKILL) when it reaches that step. */
    const archive = (args: string[] = [], crashAt?: string) =>
      runCrashable(
        ['archive', '--before', cutoff, '--db', dir.db, '--out', out, ...args],
        { env, cwd: dir.dir },
        crashAt,
      );
    const verifyDb = async () => {
      const result = await runCli(['audit', 'verify', '--db', dir.db, '--json'], { env, cwd: dir.dir });
      return { code: result.code, audit: JSON.parse(result.stdout) };
    };

    const dry = await archive(['--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dry_run: true,
      archived: false,
      range: { first_seq: 1, last_seq: 8 },
      removed_actions: 2,
      removed_events: 6,
      retained_events: 2,
    });

    // Killed after the segments are written, then in the middle of the removal: nothing is lost.
    for (const step of ['segments_written', 'events_deleted']) {
      const crashed = await archive([], step);
      expect(crashed.code, `${step}: ${crashed.stderr}`).toBeNull();
      const { code, audit } = await verifyDb();
      expect(code, step).toBe(0);
      expect(audit).toMatchObject({ ok: true, events: 12, actions: 5, archive: null });
    }
    expect(segmentFiles(out).length).toBeGreaterThan(0);

    const done = await archive();
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('Archived seqs 1–8');
    expect(done.stdout).toContain(`signed by key ${key.key_id}`);
    const { code, audit } = await verifyDb();
    expect(code).toBe(0);
    expect(audit).toMatchObject({
      ok: true,
      events: 6,
      actions: 3,
      archive: { last_seq: 8, signed: 1, retained_events: 2 },
    });
    expect((await archive()).stdout).toContain('Nothing to archive');

    const segments = await runCli(['audit', 'verify', '--segment', out, '--key', key.public], { cwd: dir.dir });
    expect(segments.code, segments.stderr).toBe(0);
    expect(segments.stdout).toContain('Segment verifies');
    expect(segments.stdout).toContain(`signature verified (key ${key.key_id})`);

    // The server accepts the archived ledger: ready, verifies, appends after the archive.
    const again = await startServer({ dir: dir.dir, env });
    try {
      expect((await api(again.url, '/ready')).status).toBe(200);
      expect(
        (await api(again.url, '/v1/actions', { body: { agent_id: 'x', tool: 'http', operation: 'get', params: {} } }))
          .status,
      ).toBe(201);
      expect((await api(again.url, '/v1/audit/verify')).json).toMatchObject({ ok: true, events: 8 });
    } finally {
      await again.stop();
    }

    const [first] = segmentFiles(out).sort();
    const path = join(out, first!);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"agent_id":"retention"', '"agent_id":"someone-else"');
    writeFileSync(path, lines.join('\n'));
    const tampered = await runCli(['audit', 'verify', '--segment', path], { cwd: dir.dir });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`${first}:2: seq 2: the hash does not match the event's content`);

    // Rows removed by hand, not by an archive, are still caught.
    const raw = new Database(dir.db);
    raw.prepare('DELETE FROM action_events WHERE seq = 9').run();
    raw.close();
    const cut = await verifyDb();
    expect(cut.code).toBe(1);
    expect(Object.keys(cut.audit.problem_kinds)).toContain('seq_gap');
  }, 120_000); // a dozen CLI processes, each starting Node: slow on a loaded machine

  // A recursive mkdir under /proc never returns: the harness kills a CLI hung there after 20 s (code null).
  it.runIf(existsSync('/proc/self'))(
    'fails at once, in one line, with --out under /proc',
    async () => {
      const dir = workDir();
      const out = '/proc/faramesh/archive';
      const result = await runCli(['archive', '--before', '90d', '--db', dir.db, '--out', out], { cwd: dir.dir });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `error: archive_dir_unusable: cannot write archive segments to ${out}: /proc is on proc, a kernel filesystem that holds no files`,
      ]);
    },
    25_000,
  );

  it('archives through the admin API into FARAMESH_ARCHIVE_DIR, and refuses without one', async () => {
    const dir = workDir();
    const out = join(dir.dir, 'server-archive');
    const server = await startServer({ dir: dir.dir, env: { FARAMESH_ARCHIVE_DIR: out } });
    const bare = await startServer();
    try {
      const cutoff = await ledgerWithCutoff(server);
      const bad = await api(server.url, '/v1/audit/archive', { body: { before: 'yesterday' } });
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('validation_failed');
      const remote = await runCli(['archive', '--remote', '--before', cutoff, '--json'], {
        env: { FARAMESH_BASE_URL: server.url },
      });
      expect(remote.code, remote.stderr).toBe(0);
      expect(JSON.parse(remote.stdout)).toMatchObject({
        archived: true,
        dir: out,
        range: { first_seq: 1, last_seq: 8 },
      });
      expect(segmentFiles(out).length).toBe(1);
      expect((await api(server.url, '/v1/audit/archive', { body: { before: cutoff } })).json).toMatchObject({
        archived: false,
        range: null,
      });
      expect((await api(server.url, '/v1/audit/verify')).json).toMatchObject({ ok: true, archive: { last_seq: 8 } });
      const off = await api(bare.url, '/v1/audit/archive', { body: { before: '90d' } });
      expect(off.status).toBe(501);
      expect(off.json.error.code).toBe('archive_not_configured');
    } finally {
      await server.stop();
      await bare.stop();
    }
  });

  it('prunes the limit usage no window reaches, and the limit goes on counting the rest', async () => {
    const dir = workDir();
    writeFileSync(
      dir.policy,
      'rules:\n  - match: { tool: http, op: get }\n    allow: true\n    limit: { count: 3, per: 1h, by: [agent_id] }\n',
    );
    const call = (url: string) =>
      api(url, '/v1/actions', {
        body: { agent_id: 'agent-a', tool: 'http', operation: 'get', params: { url: 'https://example.com/' } },
      });
    let server = await startServer({ dir: dir.dir });
    try {
      for (let i = 0; i < 2; i++) expect((await call(server.url)).json.status).toBe('allowed');
    } finally {
      await server.stop();
    }
    // Three calls of the same agent counted a year and a half ago, before the two just made (their
    // running totals shift up by 3): what a server running since then would hold.
    const db = new Database(dir.db);
    const { limit_key: key } = db.prepare('SELECT limit_key FROM limit_usage_recent LIMIT 1').get() as {
      limit_key: string;
    };
    const old = Date.now() - 548 * 86_400_000;
    const insert = db.prepare(
      'INSERT INTO limit_usage (action_id, limit_key, amount, counted_at, running) VALUES (?, ?, 1, ?, ?)',
    );
    for (let i = 0; i < 3; i++) insert.run(`old-${i}`, key, new Date(old + i * 86_400_000).toISOString(), i + 1);
    db.prepare('UPDATE limit_usage_recent SET running = running + 3').run();
    db.close();

    const out = join(dir.dir, 'archive');
    const dry = await runCli(['archive', '--before', '1s', '--db', dir.db, '--out', out, '--dry-run', '--json'], {
      cwd: dir.dir,
    });
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, limit_usage: null });
    const run = await runCli(['archive', '--before', '1s', '--db', dir.db, '--out', out], { cwd: dir.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/removed 2 limit usage rows counted before \S+, which no limit's window reaches/);
    const again = await runCli(['archive', '--before', '1s', '--db', dir.db, '--out', out, '--json'], {
      cwd: dir.dir,
    });
    expect(JSON.parse(again.stdout)).toMatchObject({ limit_usage: { removed_rows: 0 } });
    const left = new Database(dir.db, { readonly: true });
    expect(left.prepare("SELECT action_id FROM limit_usage WHERE action_id LIKE 'old-%'").pluck().all()).toEqual([
      'old-2',
    ]);
    left.close();

    // The two calls of the last hour still count: one more is allowed, the next waits at 3 used.
    server = await startServer({ dir: dir.dir });
    try {
      expect((await call(server.url)).json.status).toBe('allowed');
      expect((await call(server.url)).json).toMatchObject({
        status: 'pending_approval',
        reason: 'limit 3 per 1h by agent_id reached: 3 used',
      });
    } finally {
      await server.stop();
    }
    const verify = await runCli(['audit', 'verify', '--db', dir.db, '--json'], { cwd: dir.dir });
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
  });
});

describeWithPostgres('faramesh archive (PostgreSQL)', (cluster) => {
  let pg: ThrowawayCluster;
  beforeAll(async () => {
    pg = await cluster();
  });

  it('survives a kill -9 in the middle of the removal and completes on the next run', async () => {
    const dsn = await pg.createDatabase('archive_cli');
    const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn };
    const dir = workDir();
    const out = join(dir.dir, 'archive');
    let server = await startServer({ dir: dir.dir, env });
    let cutoff: string;
    try {
      cutoff = await ledgerWithCutoff(server);
    } finally {
      await server.stop();
    }
    /** The archive command; with `crashAt`, killed (SIGKILL) when it reaches that step. */
    const archive = (crashAt?: string) =>
      runCrashable(['archive', '--before', cutoff, '--out', out, '--json'], { env, cwd: dir.dir }, crashAt);
    for (const step of ['events_deleted', 'actions_deleted']) {
      const crashed = await archive(step);
      expect(crashed.code, `${step}: ${crashed.stderr}`).toBeNull();
    }
    server = await startServer({ dir: dir.dir, env });
    try {
      expect((await api(server.url, '/v1/audit/verify')).json).toMatchObject({ ok: true, events: 12, archive: null });
    } finally {
      await server.stop();
    }
    const done = await archive();
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ archived: true, removed_actions: 2, retained_events: 2 });
    server = await startServer({ dir: dir.dir, env });
    try {
      expect((await api(server.url, '/ready')).status).toBe(200);
      expect((await api(server.url, '/v1/audit/verify')).json).toMatchObject({
        ok: true,
        events: 6,
        archive: { last_seq: 8 },
      });
    } finally {
      await server.stop();
    }
    const segments = await runCli(['audit', 'verify', '--segment', out], { cwd: dir.dir });
    expect(segments.code, segments.stderr).toBe(0);
  });
});
