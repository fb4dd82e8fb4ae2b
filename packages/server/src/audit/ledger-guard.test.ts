import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { generateLedgerKey, parseVerifyKey } from './ledger-key.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let running: Server | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

const ADMIN = 'admin-token-123456';
const APPROVER = 'approver-token-123456';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-guard-'));
  return { dir, db: join(dir, 'actions.db'), checkpoints: join(dir, 'elsewhere', 'checkpoints.jsonl') };
}

async function start(path: string, env: Record<string, string> = {}) {
  running = await startTestServer({
    store: createSqliteStore({ path }),
    env: { FARAMESH_TOKENS: `root:admin:${ADMIN},ann:approver:${APPROVER}`, ...env },
  });
  return running;
}

async function stop() {
  await running?.close();
  running = null;
}

const submit = (s: Server, n: number) =>
  s.app.inject({
    method: 'POST',
    url: '/v1/actions',
    headers: auth(ADMIN),
    payload: { agent_id: 'a', tool: 'http', operation: 'get', params: { url: `https://x.test/${n}` } },
  });

function sql(path: string, text: string) {
  const db = new Database(path);
  db.exec(text);
  db.close();
}

describe('ledger consistency guard', () => {
  it('refuses writes and is unready after the newest events were deleted, while reads still work', async () => {
    const w = workspace();
    let s = await start(w.db);
    for (let i = 0; i < 3; i += 1) expect((await submit(s, i)).statusCode).toBe(201);
    await stop();
    sql(w.db, 'DELETE FROM action_events WHERE seq > 4');

    s = await start(w.db);
    const ready = await s.app.inject({ url: '/ready', headers: auth(ADMIN) });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.ledger).toMatchObject({
      ok: false,
      reason: expect.stringContaining('ledger_truncated'),
    });
    const write = await submit(s, 9);
    expect(write.statusCode).toBe(503);
    expect(write.json().error.code).toBe('ledger_inconsistent');
    // Writers may be agents: the kinds only, not which actions or files.
    expect(write.json().error.details).toEqual({ kinds: ['ledger_truncated'], checked_at: expect.any(String) });
    expect((await s.app.inject({ url: '/v1/actions', headers: auth(APPROVER) })).statusCode).toBe(200);
    const verify = (await s.app.inject({ url: '/v1/audit/verify', headers: auth(APPROVER) })).json();
    expect(verify).toMatchObject({ ok: false, high_water: { seq: 6 }, head: { seq: 4 } });
    expect(verify.problem_kinds).toMatchObject({ ledger_truncated: 1, listed_event_missing: 2 });
    const checkpoint = await s.app.inject({ method: 'POST', url: '/v1/audit/checkpoints', headers: auth(ADMIN) });
    expect(checkpoint.json().error.code).toBe('ledger_inconsistent');
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('finds a database restored below its checkpoint file and refuses writes', async () => {
    const w = workspace();
    const env = { FARAMESH_CHECKPOINT_FILE: w.checkpoints, FARAMESH_LEDGER_KEY: generateLedgerKey().secret };
    let s = await start(w.db, env);
    await submit(s, 1);
    await stop();
    copyFileSync(w.db, join(w.dir, 'backup.db'));
    s = await start(w.db, env);
    await submit(s, 2);
    expect(
      (await s.app.inject({ method: 'POST', url: '/v1/audit/checkpoints', headers: auth(ADMIN) })).statusCode,
    ).toBe(201);
    await stop();
    copyFileSync(join(w.dir, 'backup.db'), w.db);

    s = await start(w.db, env);
    const ready = (await s.app.inject({ url: '/ready', headers: auth(ADMIN) })).json();
    expect(ready.checks.ledger).toMatchObject({ ok: false, reason: expect.stringContaining('behind_checkpoint') });
    expect((await submit(s, 3)).json().error.code).toBe('ledger_inconsistent');
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('notices damage on a later check and accepts writes again once it is repaired', async () => {
    const w = workspace();
    const s = await start(w.db);
    await submit(s, 1);
    sql(w.db, 'UPDATE ledger_head SET seq = 1');
    await s.context.ledger.monitor.check();
    expect((await submit(s, 2)).json().error.code).toBe('ledger_inconsistent');
    expect((await s.app.inject({ url: '/ready', headers: auth(ADMIN) })).statusCode).toBe(503);
    sql(w.db, 'UPDATE ledger_head SET seq = 2');
    await s.context.ledger.monitor.check();
    expect((await submit(s, 3)).statusCode).toBe(201);
    expect((await s.app.inject({ url: '/ready', headers: auth(ADMIN) })).json().checks.ledger).toMatchObject({
      ok: true,
      signed: false,
    });
    rmSync(w.dir, { recursive: true, force: true });
  });
});

describe('POST /v1/audit/checkpoints', () => {
  it('signs the verified head, stores it and appends it to the checkpoint file (admin only)', async () => {
    const w = workspace();
    const key = generateLedgerKey();
    const s = await start(w.db, { FARAMESH_CHECKPOINT_FILE: w.checkpoints, FARAMESH_LEDGER_KEY: key.secret });
    await submit(s, 1);
    expect(
      (await s.app.inject({ method: 'POST', url: '/v1/audit/checkpoints', headers: auth(APPROVER) })).statusCode,
    ).toBe(403);
    const res = await s.app.inject({ method: 'POST', url: '/v1/audit/checkpoints', headers: auth(ADMIN) });
    expect(res.statusCode).toBe(201);
    const checkpoint = res.json();
    expect(checkpoint).toMatchObject({ seq: 2, key_id: key.keyId, file: true, signature: expect.any(String) });
    expect(JSON.parse(readFileSync(w.checkpoints, 'utf8').trim())).toEqual({
      seq: 2,
      hash: checkpoint.hash,
      at: checkpoint.at,
      key_id: key.keyId,
      signature: checkpoint.signature,
    });
    const verify = (await s.app.inject({ url: '/v1/audit/verify', headers: auth(APPROVER) })).json();
    expect(verify).toMatchObject({ ok: true, key: { configured: true, key_id: key.keyId } });
    expect(verify.checkpoints).toMatchObject({ checked: 2, signed: 2, latest: { seq: 2 } });
    expect(parseVerifyKey(key.public).keyId).toBe(key.keyId);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('says in the verify answer that re-hashing cannot be detected without a key', async () => {
    const w = workspace();
    const s = await start(w.db);
    await submit(s, 1);
    const verify = (await s.app.inject({ url: '/v1/audit/verify', headers: auth(APPROVER) })).json();
    expect(verify).toMatchObject({ ok: true, key: { configured: false, key_id: null } });
    expect(verify.limitations.join(' ')).toMatch(/No ledger key: .*re-hash/);
    rmSync(w.dir, { recursive: true, force: true });
  });
});
