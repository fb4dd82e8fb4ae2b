import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FarameshClient } from '@faramesh/sdk';
import { createSqliteStore } from '@faramesh/store';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, startServer, tempDir } from '../testing/harness.js';

/** A server on a SQLite file with a checkpoint key and file; two actions and a checkpoint. */
async function ledgerWithCheckpoint(dir: string) {
  const keygen = await cli(['--json', 'audit', 'keygen']);
  const key = JSON.parse(keygen.stdout) as { secret: string; public: string; key_id: string };
  const db = join(dir, 'actions.db');
  const checkpoints = join(dir, 'offsite', 'checkpoints.jsonl');
  const srv = await startServer({
    store: createSqliteStore({ path: db }),
    env: { FARAMESH_LEDGER_KEY: key.secret, FARAMESH_CHECKPOINT_FILE: checkpoints },
  });
  try {
    const client = new FarameshClient({ baseUrl: srv.url });
    for (const cmd of ['ls', 'pwd'])
      await client.submitAction({ agent_id: 'a', tool: 'http', operation: 'get', params: { cmd } });
    const out = await cli(['audit', 'checkpoint'], { env: srv.env });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Checkpoint of seq 4`);
    expect(out.stdout).toContain(`signed by key ${key.key_id}`);
  } finally {
    await srv.close();
  }
  return { db, checkpoints, key };
}

describe('audit verify --db', () => {
  it('verifies a copy offline against the checkpoint file and the public key', async () => {
    const dir = tempDir();
    const { db, checkpoints, key } = await ledgerWithCheckpoint(dir);
    const out = await cli(['audit', 'verify', '--db', db, '--checkpoints', checkpoints, '--key', key.public]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('✓ Ledger verifies: 4 events, 2 actions, head seq 4');
    expect(out.stdout).toContain(
      `2 checkpoints (2 signature-verified, 0 unsigned, 0 by another key); key: ${key.key_id}`,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every problem of a tampered copy and exits 1', async () => {
    const dir = tempDir();
    const { db, checkpoints, key } = await ledgerWithCheckpoint(dir);
    const copy = join(dir, 'copy.db');
    copyFileSync(db, copy);
    const raw = new Database(copy);
    raw.exec("UPDATE actions SET status = 'denied'; DELETE FROM action_events WHERE seq = 4");
    raw.close();
    const out = await cli([
      '--json',
      'audit',
      'verify',
      '--db',
      copy,
      '--checkpoints',
      checkpoints,
      '--key',
      key.public,
    ]);
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report.ok).toBe(false);
    expect(Object.keys(report.problem_kinds).sort()).toEqual([
      'action_differs_from_ledger',
      'behind_checkpoint',
      'ledger_truncated',
      'listed_event_missing',
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses --checkpoints without --db, and a malformed key, in one line', async () => {
    expect((await cli(['audit', 'verify', '--checkpoints', 'x.jsonl'])).code).toBe(2);
    const dir = tempDir();
    const { db } = await ledgerWithCheckpoint(dir);
    const out = await cli(['audit', 'verify', '--db', db, '--key', 'not-a-key']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: --key: a ledger key starts with "ed25519-public:"/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('doctor ledger check', () => {
  it('warns that re-hashing cannot be detected without a key, and fails on a truncated ledger', async () => {
    const dir = tempDir();
    const { db } = await ledgerWithCheckpoint(dir);
    const doctor = async () => {
      const out = await cli(['--json', 'doctor', '--db', db], { cwd: dir, env: { FARAMESH_PORT: '1' } });
      return JSON.parse(out.stdout).checks.find((c: { name: string }) => c.name === 'ledger');
    };
    const ok = await doctor();
    expect(ok.status).toBe('warn');
    expect(ok.details.join('\n')).toContain("re-hashing the ledger after an edit can't be detected");
    const raw = new Database(db);
    raw.exec('DELETE FROM action_events WHERE seq = 4');
    raw.close();
    const truncated = await doctor();
    expect(truncated.status).toBe('fail');
    expect(truncated.details[0]).toMatch(/^ledger_truncated: /);
    rmSync(dir, { recursive: true, force: true });
  });
});
