import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import type { ArchiveRecord } from '../ledger-archive.js';
import { newEvents, nextTime, sampleAction } from '../store.contract.js';
import { GENESIS_HASH, type Store } from '../store.js';
import { ftsQuery } from './list-query.js';
import { SEARCH_INDEX_ROWS, SEARCH_TABLE } from './search-batch.js';
import { createSqliteStore } from './sqlite-store.js';

const TERMINAL = ['denied', 'succeeded', 'failed', 'expired', 'cancelled'];
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A store with a denied kubectl action (removable) and a pending one (kept), two events each. */
async function ledger() {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-sqlite-archive-'));
  dirs.push(dir);
  const path = join(dir, 'actions.db');
  const store = createSqliteStore({ path });
  await store.migrate();
  const denied = await store.createAction({
    action: sampleAction({ status: 'denied', decision: 'deny', params: { cmd: 'kubectl drain node-1' } }),
    events: newEvents('created', 'decision_made'),
  });
  const pending = await store.createAction({
    action: sampleAction({ status: 'pending_approval', decision: 'require_approval', approval_token: 'tok' }),
    events: newEvents('created', 'decision_made'),
  });
  return { path, store, denied, pending };
}

/** The archive record of everything up to lastSeq, as the archiver plans it (segments not written). */
async function recordUpTo(store: Store, lastSeq: number): Promise<ArchiveRecord> {
  const archive = store.ledger.archive!;
  const stretch = (await store.eventsAfter(0, 5000)).filter((e) => e.seq <= lastSeq);
  const kept = await archive.kept(lastSeq, TERMINAL, 0, 5000);
  return {
    first_seq: 1,
    last_seq: lastSeq,
    prev_hash: GENESIS_HASH,
    last_hash: stretch.at(-1)!.hash,
    event_count: stretch.length,
    first_at: stretch[0]!.created_at,
    last_at: stretch.at(-1)!.created_at,
    ...(await archive.plan(lastSeq, TERMINAL)),
    retained_events: kept.length,
    retained_digest: 'd'.repeat(64),
    before: nextTime(),
    archived_at: nextTime(),
    segments: [],
    key_id: null,
    signature: null,
  };
}

function rawCount(path: string, query: string, ...params: unknown[]): number {
  const raw = new Database(path, { readonly: true });
  try {
    return (raw.prepare(query).get(...params) as { n: number }).n;
  } finally {
    raw.close();
  }
}

/** Entries of the search index holding every trigram of `text`. */
function indexHolding(path: string, text: string): number {
  return rawCount(path, `SELECT count(*) AS n FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH ?`, ftsQuery([text]));
}

/** Creates `count` actions in group commits of 64, so the search index takes them (search-batch.ts). */
async function fill(store: Store, count: number, overrides: Parameters<typeof sampleAction>[0]) {
  for (let at = 0; at < count; at += 64) {
    await Promise.all(
      Array.from({ length: Math.min(64, count - at) }, () =>
        store.createAction({ action: sampleAction(overrides), events: newEvents('created', 'decision_made') }),
      ),
    );
  }
}

it('removes the archived actions from the packed search index itself, not only from the results', async () => {
  const { path, store, denied } = await ledger();
  try {
    await fill(store, SEARCH_INDEX_ROWS, { status: 'pending_approval', params: { cmd: 'echo filler' } });
    expect(indexHolding(path, 'kubectl')).toBe(1);
    await store.ledger.archive!.commit({ record: await recordUpTo(store, 4), terminal: TERMINAL });
    expect(await store.getAction(denied.action.id)).toBeNull();
    expect((await store.listActions({ filter: { q: 'ls -la' }, limit: 10 })).total).toBe(1);
  } finally {
    await store.close();
  }
  // The trigram index holds no entry of the removed action's text, and still the kept ones'.
  expect(indexHolding(path, 'kubectl')).toBe(0);
  expect(indexHolding(path, 'ls -la')).toBe(1);
});

it('finds new actions after an archive removed the newest indexed ones, whose rowids SQLite hands out again', async () => {
  const { store, pending } = await ledger();
  try {
    await fill(store, SEARCH_INDEX_ROWS + 10, { status: 'denied', decision: 'deny', params: { cmd: 'echo old' } });
    const head = (await store.ledger.state()).high_water?.seq;
    if (head === undefined) throw new Error('the filled ledger should have a high-water mark');
    await store.ledger.archive!.commit({ record: await recordUpTo(store, head), terminal: TERMINAL });
    const left = await store.listActions({ filter: {}, limit: 10 });
    expect(left.items.map((a) => a.id)).toEqual([pending.action.id]);
    expect((await store.listActions({ filter: { q: 'echo old' }, limit: 10 })).total).toBe(0);
    const added = await store.createAction({
      action: sampleAction({ params: { cmd: 'echo new' } }),
      events: newEvents('created', 'decision_made'),
    });
    expect((await store.listActions({ filter: { q: 'echo new' }, limit: 10 })).items.map((a) => a.id)).toEqual([
      added.action.id,
    ]);
  } finally {
    await store.close();
  }
});
