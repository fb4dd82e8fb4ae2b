import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>> | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function seeded(path: string) {
  server = await startTestServer({ store: createSqliteStore({ path }) });
  for (let i = 0; i < 5; i += 1) {
    await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: `echo ${i}` } },
    });
  }
  return server;
}

describe('ledger audit', () => {
  it('verifies an untouched ledger and reports its head', async () => {
    const s = await seeded(join(mkdtempSync(join(tmpdir(), 'audit-')), 'a.db'));
    const res = (await s.app.inject({ url: '/v1/audit/verify' })).json();
    expect(res).toMatchObject({
      ok: true,
      events: 10,
      head: { seq: 10, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it('finds an event edited directly in the database', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-')), 'a.db');
    const s = await seeded(path);
    const raw = new Database(path);
    raw.prepare(`UPDATE action_events SET meta = '{"decision":"allow"}' WHERE seq = 4`).run();
    raw.close();
    const res = (await s.app.inject({ url: '/v1/audit/verify' })).json();
    expect(res).toMatchObject({ ok: false, seq: 4 });
  });

  it('finds an event deleted from the middle of the ledger', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-')), 'a.db');
    const s = await seeded(path);
    const raw = new Database(path);
    raw.prepare('DELETE FROM action_events WHERE seq = 6').run();
    raw.close();
    const res = (await s.app.inject({ url: '/v1/audit/verify' })).json();
    expect(res).toMatchObject({ ok: false, seq: 7 });
  });

  it('exports the ledger as JSON lines without approval tokens', async () => {
    const s = await seeded(join(mkdtempSync(join(tmpdir(), 'audit-')), 'a.db'));
    const res = await s.app.inject({ url: '/v1/audit/export?after=2' });
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lines[0]).toMatchObject({ event_type: 'created', action: { tool: 'shell' } });
    expect(lines.every((l) => !('approval_token' in l.action))).toBe(true);
  });
});
