import { canonicalJson } from '@faramesh/canonical';
import type { LedgerProblemKind } from '@faramesh/contract';
import { eventHash, type Store } from '@faramesh/store';
import { type Dialect, editSnapshot, type Fixture, type RawDb, writeSnapshot } from './tamper-db.test-support.js';

/** The types of tamper cases and the steps they are built from (tamper-cases.test-support.ts). */
export type Setup = 'plain' | 'signed';
export const SETUPS: readonly Setup[] = ['plain', 'signed'];

export interface TamperContext {
  db: RawDb;
  f: Fixture;
  /** A store on the database being tampered with, for reading what the attacker needs. */
  store: Store;
}

export interface TamperCase {
  name: string;
  group: 'events' | 'actions' | 'bookkeeping';
  tamper(t: TamperContext): Promise<void>;
  /** The problem kinds verification reports in each setup; [] means not detected. */
  caught: Record<Setup, LedgerProblemKind[]>;
  /** Where PostgreSQL reports other kinds (its seq lists come from the events' action_id). */
  postgres?: Partial<Record<Setup, LedgerProblemKind[]>>;
  /** Only one database can be tampered this way. */
  only?: Dialect;
  /** Only this setup applies (e.g. editing a checkpoint needs one). */
  setups?: Setup[];
  /** Why it is not detected, for the cases that aren't. */
  note?: string;
}

export const both = (...kinds: LedgerProblemKind[]): Record<Setup, LedgerProblemKind[]> => ({
  plain: kinds,
  signed: kinds,
});
export const withCheckpoint = (
  plain: LedgerProblemKind[],
  signed: LedgerProblemKind[],
): Record<Setup, LedgerProblemKind[]> => ({ plain, signed });

export const setAction =
  (column: string, value: unknown, pick: (f: Fixture) => { id: string }) => async (t: TamperContext) =>
    t.db.run(`UPDATE actions SET ${column} = ? WHERE id = ?`, [value, pick(t.f).id]);

export const setEvent = (column: string, value: unknown, seq: number) => async (t: TamperContext) =>
  t.db.run(`UPDATE action_events SET ${column} = ? WHERE seq = ?`, [value, seq]);

/** Moves event `from` to seq `to` (which must be free). */
export const moveEvent = (t: TamperContext, from: number, to: number) =>
  t.db.run('UPDATE action_events SET seq = ? WHERE seq = ?', [to, from]);

export const deleteNewestAction = async (t: TamperContext) => {
  await t.db.run('DELETE FROM action_events WHERE seq IN (12, 13)');
  await t.db.run('DELETE FROM actions WHERE id = ?', [t.f.newest.id]);
};

export const lowerHighWaterTo = async (t: TamperContext, seq: number) => {
  const [row] = await t.db.all<{ hash: string }>('SELECT hash FROM action_events WHERE seq = ?', [seq]);
  await t.db.run('UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1', [seq, row!.hash]);
};

/** The pending action approved in its row and in the snapshot of its last event, no re-hash. */
export const approvePendingInRowAndSnapshot = async (t: TamperContext) => {
  await t.db.run("UPDATE actions SET status = 'approved', approval_token = NULL WHERE id = ?", [t.f.pending.id]);
  await editSnapshot(t.db, t.store, 11, (s) => {
    s.status = 'approved';
  });
};

/**
 * Appends a well-chained `approved` event for the pending action after the head (the hash is right:
 * no key is needed to compute it). `complete` also updates what a careful attacker would: the
 * action row, its seq list (SQLite) and the high-water row.
 */
export const appendForgedApproval = (complete: boolean) => async (t: TamperContext) => {
  const [last] = await t.store.ledger.eventsAt([11]);
  const [head] = await t.store.ledger.eventsAt([13]);
  const snapshot = { ...last!.event!.action, status: 'approved', version: 2, approval_decided_by: 'mallory' };
  const fields = {
    id: '00000000-0000-4000-8000-00000000f0f0',
    action_id: t.f.pending.id,
    event_type: 'approved',
    meta: { by: 'mallory' },
    created_at: '2031-01-01T00:00:00.000Z',
    action: snapshot,
  };
  const hash = eventHash(head!.hash, fields);
  await t.db.run(
    `INSERT INTO action_events (seq, id, action_id, event_type, meta, created_at, prev_hash, hash, status, action_snapshot)
     VALUES (14, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      fields.id,
      fields.action_id,
      fields.event_type,
      canonicalJson(fields.meta),
      fields.created_at,
      head!.hash,
      hash,
      'approved',
      canonicalJson(snapshot),
    ],
  );
  if (!complete) return;
  await t.db.run(
    "UPDATE actions SET status = 'approved', version = 2, approval_decided_by = 'mallory', approval_token = NULL WHERE id = ?",
    [t.f.pending.id],
  );
  if (t.db.dialect === 'sqlite')
    await t.db.run("UPDATE actions SET event_seqs = '[10,11,14]' WHERE id = ?", [t.f.pending.id]);
  await t.db.run('UPDATE ledger_head SET seq = 14, hash = ? WHERE id = 1', [hash]);
};

export const forgeActionRow = (seqs: string) => async (t: TamperContext) => {
  const forged = '00000000-0000-4000-8000-0000000000aa';
  const columns = (
    await t.db.all<{ name: string }>(
      t.db.dialect === 'sqlite'
        ? "SELECT name FROM pragma_table_info('actions')"
        : "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'actions' ORDER BY ordinal_position",
    )
  ).map((c) => c.name);
  const replaced: Record<string, string> = {
    id: '?',
    event_seqs: `'${seqs}'`,
    status: "'approved'",
    approval_token: 'NULL',
  };
  const copied = columns.map((c) => replaced[c] ?? c);
  await t.db.run(`INSERT INTO actions (${columns.join(', ')}) SELECT ${copied.join(', ')} FROM actions WHERE id = ?`, [
    forged,
    t.f.pending.id,
  ]);
};

export const swapLastSnapshots = async (t: TamperContext) => {
  // The whole snapshots the last events of two actions show, each written into the other's event.
  const [a, b] = await t.store.ledger.eventsAt([9, 13]);
  if (!a?.event || !b?.event) throw new Error('events 9 and 13 must be readable');
  await writeSnapshot(t.db, 9, canonicalJson(b.event.action), b.event.action.status);
  await writeSnapshot(t.db, 13, canonicalJson(a.event.action), a.event.action.status);
};
