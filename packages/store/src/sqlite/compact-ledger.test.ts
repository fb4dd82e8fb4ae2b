import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import type { LedgerState } from '../ledger-store.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { newEvents, sampleAction } from '../store.contract.js';
import type { ActionRecord, EventRecord, Store } from '../store.js';
import { createSqliteStore } from './sqlite-store.js';

/** What the schema-17 build read back from fixtures/schema17.db (fixtures/make-schema17-db.mjs). */
interface Expected {
  events: EventRecord[];
  lists: Record<string, EventRecord[]>;
  actions: Record<string, ActionRecord>;
  state: LedgerState;
}
const FIXTURES = new URL('./fixtures/', import.meta.url);
const EXPECTED = JSON.parse(readFileSync(new URL('schema17.expected.json', FIXTURES), 'utf8')) as Expected;
/** The action whose params were edited in its row after it was written (the fixture's last one). */
const EDITED = Object.keys(EXPECTED.actions).find((id) => EXPECTED.actions[id]!.params.cmd === 'rm -rf /')!;

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A store on an upgraded copy of the schema-17 fixture, and the file's path. */
async function upgraded(): Promise<{ store: Store; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-compact-'));
  dirs.push(dir);
  const path = join(dir, 'actions.db');
  copyFileSync(new URL('schema17.db', FIXTURES), path);
  const store = createSqliteStore({ path });
  stores.push(store);
  expect(await store.migrate()).toEqual({ from: 17, to: SCHEMA_VERSION });
  return { store, path };
}

const raw = <T>(path: string, sql: string): T[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
};

describe('migration 18 (compact ledger) on a database written at schema 17', () => {
  it('reads back every event, action and the ledger state exactly as the schema-17 build did', async () => {
    const { store } = await upgraded();
    // Compared as JSON text: the same values with their keys in the same order.
    expect(JSON.stringify(await store.eventsAfter(0, 1000))).toBe(JSON.stringify(EXPECTED.events));
    for (const [id, events] of Object.entries(EXPECTED.lists)) {
      expect(JSON.stringify(await store.listEvents(id))).toBe(JSON.stringify(events));
      expect(JSON.stringify(await store.getAction(id))).toBe(JSON.stringify(EXPECTED.actions[id]));
    }
    expect(await store.ledger.state()).toEqual(EXPECTED.state);
    expect(verifyLedger(await store.eventsAfter(0, 1000))).toEqual({ ok: true });
  });

  it('stores snapshots as patches and ids and hashes as bytes, keeping whole only what the row cannot give', async () => {
    const { path } = await upgraded();
    const rows = raw<{
      action_id: Buffer | string;
      whole: number;
      id_type: string;
      hash_type: string;
      prev_type: string;
    }>(
      path,
      `SELECT action_id, action_snapshot IS NOT NULL AS whole, typeof(id) AS id_type, typeof(hash) AS hash_type,
         typeof(prev_hash) AS prev_type FROM action_events ORDER BY seq`,
    );
    expect(rows).toHaveLength(EXPECTED.events.length);
    const whole = EXPECTED.events.filter((_, i) => rows[i]!.whole === 1).map((e) => e.action_id);
    // The edited row no longer equals its snapshots: they stay whole, so the edit is still reported.
    expect(whole).toEqual(EXPECTED.lists[EDITED]!.map(() => EDITED));
    expect(rows.every((row) => row.hash_type === 'blob')).toBe(true);
    // No prev_hash after a write's first event: it is the hash of the event stored just before.
    const linked = EXPECTED.events.filter((_, i) => rows[i]!.prev_type === 'null').map((e) => e.seq);
    const laterInWrite = raw<{ seq: number }>(
      new URL('schema17.db', FIXTURES).pathname,
      'SELECT seq FROM action_events WHERE snapshot_seq IS NOT NULL ORDER BY seq',
    ).map((row) => row.seq);
    expect(linked).toEqual(laterInWrite);
    expect(rows.every((row) => row.prev_type === 'blob' || row.prev_type === 'null')).toBe(true);
    const textIds = EXPECTED.events.filter((_, i) => rows[i]!.id_type === 'text').map((e) => e.id);
    expect(textIds).toEqual(['Event-Not-A-UUID']);
    expect(rows.filter((row) => typeof row.action_id === 'string').map((row) => row.action_id)).toEqual([
      'Custom-Action-ID',
    ]);
    // Action rows: digests as bytes, updated_at '' while it equals created_at.
    const actions = raw<{ id: string; digests: string; updated_at: string }>(
      path,
      "SELECT id, typeof(policy_hash) || ',' || typeof(request_hash) AS digests, updated_at FROM actions ORDER BY id",
    );
    expect(actions.every((row) => row.digests === 'blob,blob')).toBe(true);
    const unmoved = Object.values(EXPECTED.actions)
      .filter((a) => a.updated_at === a.created_at)
      .map((a) => a.id);
    expect(actions.filter((row) => row.updated_at === '').map((row) => row.id)).toEqual(unmoved.sort());
  });

  it('keeps the edited action detectable: its row differs from the snapshot of its last event', async () => {
    const { store } = await upgraded();
    const last = (await store.listEvents(EDITED)).at(-1)!;
    expect(last.action.params).toEqual(EXPECTED.lists[EDITED]!.at(-1)!.action.params);
    expect((await store.getAction(EDITED))?.params).toEqual({ cmd: 'rm -rf /' });
  });

  it('goes on appending to the same chain, and replays an idempotent submission with its old events', async () => {
    const { store } = await upgraded();
    const created = await store.createAction({ action: sampleAction(), events: newEvents('created', 'decision_made') });
    expect(created.events[0]!.prev_hash).toBe(EXPECTED.state.high_water!.hash);
    const denied = EXPECTED.actions['Custom-Action-ID']!;
    const replay = await store.createAction({
      action: { ...sampleAction(), submitted_by: denied.submitted_by, idempotency_key: denied.idempotency_key },
      events: newEvents('created'),
    });
    expect(replay.created).toBe(false);
    expect(JSON.stringify(replay.events)).toBe(JSON.stringify(EXPECTED.lists['Custom-Action-ID']));
    expect(verifyLedger(await store.eventsAfter(0, 1000))).toEqual({ ok: true });
  });
});
