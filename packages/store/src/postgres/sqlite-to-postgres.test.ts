import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { createSqliteStore } from '../sqlite/sqlite-store.js';
import { expectStoreError, newEvents, nextTime, sampleAction } from '../store.contract.js';
import type { Store } from '../store.js';
import { describeWithPostgres } from './postgres-cluster.test-support.js';
import { createPostgresStore } from './postgres-store.js';
import { migrateSqliteToPostgres } from './sqlite-to-postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'faramesh-sqlite-to-pg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite database with creates, transitions and idempotency keys: 120 actions, 260 events. */
async function seededSqlite(name: string): Promise<string> {
  const path = join(dir, `${name}.db`);
  const store = createSqliteStore({ path });
  await store.migrate();
  for (let i = 0; i < 120; i++) {
    const { action } = await store.createAction({
      action: sampleAction({
        status: i % 3 === 0 ? 'pending_approval' : 'allowed',
        approval_token: i % 3 === 0 ? `tok-${i}` : null,
        submitted_by: i % 2 === 0 ? 'key-a' : null,
        idempotency_key: i % 4 === 0 ? `op-${i}` : null,
      }),
      events: newEvents('created', 'decision_made'),
    });
    if (i % 6 === 0) {
      await store.transition({
        id: action.id,
        expected_version: 1,
        patch: { status: 'approved', approval_decided_by: 'alice', approval_token: null },
        events: newEvents('approved'),
        at: nextTime(),
      });
    }
  }
  await store.ledger.addCheckpoint({ seq: 260, hash: 'h'.repeat(64), at: nextTime(), key_id: 'k1', signature: 'sig' });
  await store.close();
  return path;
}

/** A migrated SQLite database at `name` holding one action, open for the test to add what it copies. */
async function sqliteWithOneAction(name: string): Promise<{ sqlitePath: string; sqlite: Store; at: string }> {
  const sqlitePath = join(dir, `${name}.db`);
  const sqlite = createSqliteStore({ path: sqlitePath });
  await sqlite.migrate();
  await sqlite.createAction({ action: sampleAction(), events: newEvents('created') });
  return { sqlitePath, sqlite, at: nextTime() };
}

async function everything(store: Store) {
  return {
    actions: (await store.listActions({ filter: {}, limit: 10_000 })).items,
    events: await store.eventsAfter(0, 100_000),
  };
}

describeWithPostgres('migrating SQLite to PostgreSQL', (cluster) => {
  it('copies every action and event so the chain verifies and new writes continue it', async () => {
    const sqlitePath = await seededSqlite('full');
    const dsn = await (await cluster()).createDatabase();
    const progress: number[] = [];
    const result = await migrateSqliteToPostgres({
      sqlitePath,
      dsn,
      batchSize: 50,
      onProgress: (p) => progress.push(p.copied),
    });
    expect(result).toMatchObject({ actions: 120, events: 260, alreadyMigrated: false });
    expect(progress).toContain(260);

    const sqlite = createSqliteStore({ path: sqlitePath });
    const postgres = createPostgresStore({ dsn });
    try {
      const before = await everything(sqlite);
      const after = await everything(postgres);
      expect(after.actions).toEqual(before.actions);
      expect(after.events).toEqual(before.events);
      expect(after.events.at(-1)?.hash).toBe(result.headHash);
      expect(verifyLedger(after.events)).toEqual({ ok: true });
      // The high-water mark and the checkpoints (signatures intact) came along too.
      expect(await postgres.ledger.state()).toEqual(await sqlite.ledger.state());
      expect((await postgres.ledger.checkpoints(null, 10)).map(({ id: _id, ...c }) => c)).toEqual(
        (await sqlite.ledger.checkpoints(null, 10)).map(({ id: _id, ...c }) => c),
      );
      expect((await postgres.getAction(before.actions.find((a) => a.approval_token)!.id))?.approval_token).toMatch(
        /tok-/,
      );

      // Idempotency keys came along: a repeat on PostgreSQL returns the copied action.
      const keyed = before.actions.find((a) => a.idempotency_key !== null)!;
      const again = await postgres.createAction({
        action: sampleAction({ submitted_by: keyed.submitted_by, idempotency_key: keyed.idempotency_key }),
        events: newEvents('created'),
      });
      expect(again).toMatchObject({ created: false, action: { id: keyed.id } });

      const next = await postgres.createAction({ action: sampleAction(), events: newEvents('created') });
      expect(next.events[0]).toMatchObject({ seq: 261, prev_hash: result.headHash });
      expect(verifyLedger(await postgres.eventsAfter(0, 100_000))).toEqual({ ok: true });
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });

  it('brings tokens, login sessions and queued notifications along, as they were', async () => {
    const { sqlitePath, sqlite, at } = await sqliteWithOneAction('side');
    await sqlite.tokens.create({
      id: 'tok-1',
      name: 'alice',
      role: 'approver',
      groups: ['finance'],
      agent_ids: null,
      secret_hash: 'a'.repeat(64),
      prefix: 'fm_abc',
      created_at: at,
      created_by: 'root',
      expires_at: null,
    });
    await sqlite.tokens.revoke('tok-1', nextTime(), 'root');
    await sqlite.sessions.create(
      {
        id_hash: 'b'.repeat(64),
        subject: 'https://idp.test alice',
        name: 'alice@corp.example',
        role: 'approver',
        groups: ['finance'],
        created_at: at,
        last_seen_at: at,
        expires_at: '2099-01-01T00:00:00.000Z',
        idle_expires_at: '2099-01-01T00:00:00.000Z',
      },
      10,
    );
    await sqlite.outbox!.add(
      [{ id: 'msg-1', channel: 'ops', event_type: 'test', action_id: null, payload: { a: 1 } }],
      at,
    );
    const before = {
      tokens: await sqlite.tokens.list({ limit: 10 }),
      session: await sqlite.sessions.get('b'.repeat(64)),
      outbox: await sqlite.outbox!.list({ limit: 10 }),
    };
    await sqlite.close();

    const dsn = await (await cluster()).createDatabase();
    const result = await migrateSqliteToPostgres({ sqlitePath, dsn });
    const { api_tokens, outbox, sessions, ...others } = result.sideRows ?? {};
    expect({ api_tokens, outbox, sessions }).toEqual({ api_tokens: 1, outbox: 1, sessions: 1 });
    // Every other table beside the ledger is listed, with nothing in it here.
    expect(Object.values(others).every((rows) => rows === 0)).toBe(true);
    expect(Object.keys(others)).toContain('email_link_uses');
    const postgres = createPostgresStore({ dsn });
    try {
      expect(await postgres.tokens.list({ limit: 10 })).toEqual(before.tokens);
      expect(before.tokens[0]).toMatchObject({ name: 'alice', revoked_by: 'root', groups: ['finance'] });
      expect(await postgres.sessions.get('b'.repeat(64))).toEqual(before.session);
      expect(await postgres.outbox!.list({ limit: 10 })).toEqual(before.outbox);
    } finally {
      await postgres.close();
    }
  });

  it('brings limit usage along, moved into its index or not, so every window sums as before', async () => {
    const sqlitePath = join(dir, 'usage.db');
    // Moved every 4 rows: after 10 submissions 8 rows are in limit_usage and 2 wait in limit_usage_recent.
    const sqlite = createSqliteStore({ path: sqlitePath, usageMoveRows: 4 });
    await sqlite.migrate();
    const base = Date.parse('2031-01-01T00:00:00.000Z');
    const at = (ms: number) => new Date(base + ms).toISOString();
    for (let i = 0; i < 10; i += 1) {
      const action = sampleAction({ created_at: at(i * 10), status: 'allowed', decision: 'allow' });
      const events = newEvents('created', 'decision_made');
      await sqlite.createAction({
        action,
        events,
        limit: { key: 'bucket', since: at(-1), decide: () => ({ action, events, amount: i + 1 }) },
      });
    }
    const sinces = [-1, 0, 35, 79, 80, 90];
    const before = await Promise.all(sinces.map((since) => sqlite.limitUsage('bucket', at(since))));
    expect(before).toEqual([55, 54, 45, 19, 10, 0]);
    await sqlite.close();

    const dsn = await (await cluster()).createDatabase();
    const result = await migrateSqliteToPostgres({ sqlitePath, dsn });
    expect(result.sideRows).toMatchObject({ limit_usage: 10 });
    expect(Object.keys(result.sideRows ?? {})).not.toContain('limit_usage_recent');
    const postgres = createPostgresStore({ dsn });
    try {
      expect(await Promise.all(sinces.map((since) => postgres.limitUsage('bucket', at(since))))).toEqual(before);
    } finally {
      await postgres.close();
    }
  });

  it("brings the database's settings along, replacing any a server recorded on the empty target", async () => {
    const { sqlitePath, sqlite, at } = await sqliteWithOneAction('settings');
    await sqlite.settings.compareAndSet({ name: 'redaction_key_id', expected: null, value: 'a'.repeat(16), at });
    await sqlite.close();

    // A server started once on the empty target recorded its own key's id; the copied ledger's
    // values were digested under the SQLite database's key, so its id is the one to keep.
    const dsn = await (await cluster()).createDatabase();
    const early = createPostgresStore({ dsn });
    await early.migrate();
    await early.settings.compareAndSet({ name: 'redaction_key_id', expected: null, value: 'b'.repeat(16), at });
    await early.close();

    const result = await migrateSqliteToPostgres({ sqlitePath, dsn });
    expect(result.sideRows).toMatchObject({ settings: 1 });
    const postgres = createPostgresStore({ dsn });
    try {
      expect(await postgres.settings.get('redaction_key_id')).toEqual({
        name: 'redaction_key_id',
        value: 'a'.repeat(16),
        set_at: at,
      });
    } finally {
      await postgres.close();
    }
  });

  it('reports a repeated run as already migrated and writes nothing', async () => {
    const sqlitePath = await seededSqlite('twice');
    const dsn = await (await cluster()).createDatabase();
    await migrateSqliteToPostgres({ sqlitePath, dsn });
    expect(await migrateSqliteToPostgres({ sqlitePath, dsn })).toMatchObject({ alreadyMigrated: true, events: 260 });
  });

  it('refuses a target that holds other data', async () => {
    const sqlitePath = await seededSqlite('refused');
    const dsn = await (await cluster()).createDatabase();
    const other = createPostgresStore({ dsn });
    await other.migrate();
    await other.createAction({ action: sampleAction(), events: newEvents('created') });
    await other.close();
    const error = await expectStoreError(migrateSqliteToPostgres({ sqlitePath, dsn }), 'invalid_input');
    expect(error.message).toMatch(/empty database/);
  });

  it('refuses a missing SQLite file', async () => {
    const dsn = await (await cluster()).createDatabase();
    await expectStoreError(migrateSqliteToPostgres({ sqlitePath: join(dir, 'missing.db'), dsn }), 'not_found');
  });
});

it('refuses to copy an archived SQLite ledger, before touching PostgreSQL', async () => {
  const path = join(dir, 'archived.db');
  const store = createSqliteStore({ path });
  await store.migrate();
  const { events } = await store.createAction({
    action: sampleAction({ status: 'denied', decision: 'deny' }),
    events: newEvents('created', 'decision_made'),
  });
  const last = events.at(-1)!;
  await store.ledger.archive!.commit({
    record: {
      first_seq: 1,
      last_seq: 2,
      prev_hash: '0'.repeat(64),
      last_hash: last.hash,
      event_count: 2,
      first_at: last.created_at,
      last_at: last.created_at,
      removed_events: 2,
      removed_actions: 1,
      retained_events: 0,
      retained_digest: 'd'.repeat(64),
      before: nextTime(),
      archived_at: nextTime(),
      segments: [],
      key_id: null,
      signature: null,
    },
    terminal: ['denied'],
  });
  await store.close();
  const error = await expectStoreError(
    migrateSqliteToPostgres({ sqlitePath: path, dsn: 'postgres://nobody@127.0.0.1:1/none' }),
    'invalid_input',
  );
  expect(error.message).toMatch(/was archived/);
});
