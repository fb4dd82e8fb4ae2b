import { canonicalJson } from '@faramesh/canonical';
import { eventHash, type Store } from '@faramesh/store';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newEvents, nextTime, sampleAction } from '../../../../store/src/contract/fixtures.js';

export type Dialect = 'sqlite' | 'postgres';

/** SQL straight on the database, behind the store's back: what an attacker with the file or a login does. */
export interface RawDb {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export function rawSqlite(path: string): RawDb {
  const db = new Database(path);
  return {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    run: async (sql, params = []) => {
      db.prepare(sql).run(...params);
    },
    close: async () => {
      db.close();
    },
  };
}

export async function rawPostgres(dsn: string): Promise<RawDb> {
  // bigint (seq, ids) as numbers, as the store reads them.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === pg.types.builtins.INT8
        ? Number
        : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
  };
  const client = new pg.Client({ connectionString: dsn, types });
  await client.connect();
  // Statements are written with `?` placeholders for both dialects.
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rows as T[],
    run: async (sql, params = []) => {
      await client.query(numbered(sql), params);
    },
    close: () => client.end(),
  };
}

/** The actions of the ledger every tamper case starts from, with the seqs of their events. */
export interface Fixture {
  /** allowed → started → succeeded: seqs 1–4. */
  done: { id: string; seqs: number[] };
  /** pending → approved by alice: seqs 5–7. */
  approved: { id: string; seqs: number[] };
  /** denied: seqs 8–9. */
  denied: { id: string; seqs: number[] };
  /** pending approval, with a token: seqs 10–11. */
  pending: { id: string; seqs: number[] };
  /** allowed, the newest action: seqs 12–13. */
  newest: { id: string; seqs: number[] };
}

/** Builds the fixture ledger through the store, as the server would: 5 actions, 13 events. */
export async function buildFixture(store: Store): Promise<Fixture> {
  const create = async (overrides: Parameters<typeof sampleAction>[0]) => {
    const { action, events } = await store.createAction({
      action: sampleAction(overrides),
      events: newEvents('created', 'decision_made'),
    });
    return { id: action.id, seqs: events.map((e) => e.seq) };
  };
  const move = async (target: { id: string; seqs: number[] }, version: number, patch: object, type: string) => {
    const { events } = await store.transition({
      id: target.id,
      expected_version: version,
      patch,
      events: newEvents(type),
      at: nextTime(),
    });
    target.seqs.push(...events.map((e) => e.seq));
  };
  const done = await create({ params: { cmd: 'ls' } });
  await move(done, 1, { status: 'executing', started_at: nextTime() }, 'started');
  await move(done, 2, { status: 'succeeded', finished_at: nextTime() }, 'succeeded');
  const approved = await create({
    status: 'pending_approval',
    decision: 'require_approval',
    approval_token: 'token-approved',
    approval_expires_at: '2030-06-01T00:00:00.000Z',
    params: { amount: 5000 },
  });
  await move(
    approved,
    1,
    { status: 'approved', approval_token: null, approval_decided_by: 'alice', approval_decided_at: nextTime() },
    'approved',
  );
  const denied = await create({ status: 'denied', decision: 'deny', reason: 'Default deny rule', risk_level: 'high' });
  const pending = await create({
    status: 'pending_approval',
    decision: 'require_approval',
    approval_token: 'token-pending',
    approval_expires_at: '2030-06-01T00:00:00.000Z',
    params: { cmd: 'rm -rf /tmp/x' },
  });
  const newest = await create({ params: { url: 'https://example.com' } });
  return { done, approved, denied, pending, newest };
}

/**
 * Re-hashes the chain from seq 1 so every stored hash and link matches the (edited) content, and
 * moves the high-water row to the new head: the best an attacker without the key can do.
 */
export async function rehashChain(db: RawDb, store: Store): Promise<void> {
  const events = await store.ledger.events(0, 1_000_000);
  let prev = '0'.repeat(64);
  for (const event of events) {
    if (event.event === null) throw new Error(`seq ${event.seq} is unreadable; can't re-hash it`);
    const hash = eventHash(prev, event.event);
    await db.run('UPDATE action_events SET prev_hash = ?, hash = ? WHERE seq = ?', [prev, hash, event.seq]);
    prev = hash;
  }
  const last = events.at(-1);
  if (last) await db.run('UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1', [last.seq, prev]);
}

/**
 * Edits the snapshot event `seq` shows. SQLite keeps most snapshots as a patch of the action row
 * (schema 18): the edited one is written whole, the form the store also reads.
 */
export async function editSnapshot(
  db: RawDb,
  store: Store,
  seq: number,
  edit: (snapshot: Record<string, unknown>) => void,
): Promise<void> {
  const [event] = await store.ledger.eventsAt([seq]);
  if (!event?.event) throw new Error(`no readable event ${seq}`);
  const snapshot = { ...event.event.action } as unknown as Record<string, unknown>;
  edit(snapshot);
  await writeSnapshot(db, seq, canonicalJson(snapshot), String(snapshot.status));
}

/** Stores `text` as the whole snapshot of event `seq`, with its status. */
export async function writeSnapshot(db: RawDb, seq: number, text: string, status: string): Promise<void> {
  const patch = db.dialect === 'sqlite' ? ', snapshot_patch = NULL' : '';
  await db.run(`UPDATE action_events SET action_snapshot = ?, status = ?${patch} WHERE seq = ?`, [text, status, seq]);
}
