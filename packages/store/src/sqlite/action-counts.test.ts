import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { newEvents, sampleAction } from '../store.contract.js';
import type { Store } from '../store.js';
import { ActionCounts, MAX_COUNTED_CHARS } from './action-counts.js';
import { createSqliteStore } from './sqlite-store.js';

let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const row = (agent_id: string) => ({
  status: 'allowed',
  tool: 'shell',
  agent_id,
  risk_level: 'low',
  submitted_by: null,
});
const long = (i: number) => `${String(i).padStart(6, '0')}-${'x'.repeat(250)}`;
const beyondBound = Math.ceil(MAX_COUNTED_CHARS / 250) + 10;

describe('sqlite list counts', () => {
  it('give up a column whose distinct values outgrow the bound instead of growing with every new agent id', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE actions (status TEXT, tool TEXT, agent_id TEXT, risk_level TEXT, submitted_by TEXT)');
    const counts = new ActionCounts(db);
    expect(counts.lookup({ agent_id: 'first' })).toBe(0);
    expect(counts.lookup({ tool: 'shell' })).toBe(0);
    for (let i = 0; i < beyondBound; i++) counts.apply([{ kind: 'created', row: row(long(i)) }]);
    expect(counts.heldChars).toBeLessThanOrEqual(MAX_COUNTED_CHARS);
    // No longer counted in memory: the caller asks SQL.
    expect(counts.lookup({ agent_id: long(3) })).toBeNull();
    // Other columns stay counted.
    expect(counts.lookup({ tool: 'shell' })).toBe(beyondBound);
  });

  it('give up a column already too large when first loaded, without loading all of it', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE actions (status TEXT, tool TEXT, agent_id TEXT, risk_level TEXT, submitted_by TEXT)');
    const insert = db.prepare("INSERT INTO actions VALUES ('allowed', 'shell', ?, 'low', NULL)");
    db.transaction(() => {
      for (let i = 0; i < beyondBound; i++) insert.run(long(i));
    })();
    const counts = new ActionCounts(db);
    expect(counts.lookup({ agent_id: long(1) })).toBeNull();
    expect(counts.heldChars).toBeLessThanOrEqual(MAX_COUNTED_CHARS);
  });

  it('keep list totals exact after a column stops being counted', async () => {
    dir = mkdtempSync(join(tmpdir(), 'faramesh-counts-'));
    store = createSqliteStore({ path: join(dir, 'actions.db'), synchronous: 'normal' });
    await store.migrate();
    const s = store;
    const create = (agent: string) =>
      s.createAction({ action: sampleAction({ agent_id: agent }), events: newEvents('created') });
    const total = async (agent: string) => (await s.listActions({ filter: { agent_id: agent }, limit: 1 })).total;
    await create('first');
    expect(await total('first')).toBe(1);
    await Promise.all(Array.from({ length: beyondBound }, (_, i) => create(long(i))));
    await create('first');
    expect(await total('first')).toBe(2);
    expect(await total(long(7))).toBe(1);
    expect(await total('never-seen')).toBe(0);
    expect((await s.listActions({ filter: {}, limit: 1 })).total).toBe(beyondBound + 2);
  });
});
