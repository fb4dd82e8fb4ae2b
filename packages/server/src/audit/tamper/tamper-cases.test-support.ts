import { canonicalJson } from '@faramesh/canonical';
import type { LedgerProblemKind } from '@faramesh/contract';
import { eventHash, type Store } from '@faramesh/store';
import { type Dialect, editSnapshot, type Fixture, type RawDb, rehashChain } from './tamper-db.test-support.js';

/**
 * Every kind of ledger tampering the verifier is tested against, as data: what the attacker does
 * to a copy of the database, and which problem kinds verification must report, in each setup.
 * `ledger-tamper.test.ts` runs them on SQLite and PostgreSQL; docs/ledger-verification.md shows
 * them as a table generated from this list (a test keeps the two equal).
 *
 * - `plain`: no FARAMESH_LEDGER_KEY and no checkpoint (a server with default settings).
 * - `signed`: a key, and a signed checkpoint of the head in the database and in a file outside it,
 *   written before the tampering.
 */
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

const both = (...kinds: LedgerProblemKind[]): Record<Setup, LedgerProblemKind[]> => ({ plain: kinds, signed: kinds });
const withCheckpoint = (
  plain: LedgerProblemKind[],
  signed: LedgerProblemKind[],
): Record<Setup, LedgerProblemKind[]> => ({ plain, signed });

const setAction = (column: string, value: unknown, pick: (f: Fixture) => { id: string }) => async (t: TamperContext) =>
  t.db.run(`UPDATE actions SET ${column} = ? WHERE id = ?`, [value, pick(t.f).id]);

const setEvent = (column: string, value: unknown, seq: number) => async (t: TamperContext) =>
  t.db.run(`UPDATE action_events SET ${column} = ? WHERE seq = ?`, [value, seq]);

/** Moves event `from` to seq `to` (which must be free). */
const moveEvent = (t: TamperContext, from: number, to: number) =>
  t.db.run('UPDATE action_events SET seq = ? WHERE seq = ?', [to, from]);

const deleteNewestAction = async (t: TamperContext) => {
  await t.db.run('DELETE FROM action_events WHERE seq IN (12, 13)');
  await t.db.run('DELETE FROM actions WHERE id = ?', [t.f.newest.id]);
};

const lowerHighWaterTo = async (t: TamperContext, seq: number) => {
  const [row] = await t.db.all<{ hash: string }>('SELECT hash FROM action_events WHERE seq = ?', [seq]);
  await t.db.run('UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1', [seq, row!.hash]);
};

/** The pending action approved in its row and in the snapshot of its last event, no re-hash. */
const approvePendingInRowAndSnapshot = async (t: TamperContext) => {
  await t.db.run("UPDATE actions SET status = 'approved', approval_token = NULL WHERE id = ?", [t.f.pending.id]);
  await editSnapshot(t.db, 11, (s) => {
    s.status = 'approved';
  });
};

/**
 * Appends a well-chained `approved` event for the pending action after the head (the hash is right:
 * no key is needed to compute it). `complete` also updates what a careful attacker would: the
 * action row, its seq list (SQLite) and the high-water row.
 */
const appendForgedApproval = (complete: boolean) => async (t: TamperContext) => {
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
  const snapshotColumns = t.db.dialect === 'sqlite' ? ', action_snapshot, snapshot_seq' : ', action_snapshot';
  const snapshotValues = t.db.dialect === 'sqlite' ? ', ?, NULL' : ', ?';
  await t.db.run(
    `INSERT INTO action_events (seq, id, action_id, event_type, meta, created_at, prev_hash, hash, status${snapshotColumns})
     VALUES (14, ?, ?, ?, ?, ?, ?, ?, ?${snapshotValues})`,
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

const forgeActionRow = (seqs: string) => async (t: TamperContext) => {
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

const swapLastSnapshots = async (t: TamperContext) => {
  // The snapshots the last events of two actions show (on SQLite, held by the first event of the write).
  const holder = async (seq: number) =>
    t.db.dialect === 'sqlite'
      ? (
          await t.db.all<{ seq: number }>(
            'SELECT coalesce(snapshot_seq, seq) AS seq FROM action_events WHERE seq = ?',
            [seq],
          )
        )[0]!.seq
      : seq;
  const [a, b] = [await holder(9), await holder(13)];
  const read = async (seq: number) =>
    (
      await t.db.all<{ action_snapshot: string; status: string }>(
        'SELECT action_snapshot, status FROM action_events WHERE seq = ?',
        [seq],
      )
    )[0]!;
  const [sa, sb] = [await read(a), await read(b)];
  await t.db.run('UPDATE action_events SET action_snapshot = ?, status = ? WHERE seq = ?', [
    sb.action_snapshot,
    sb.status,
    a,
  ]);
  await t.db.run('UPDATE action_events SET action_snapshot = ?, status = ? WHERE seq = ?', [
    sa.action_snapshot,
    sa.status,
    b,
  ]);
};

export const TAMPER_CASES: readonly TamperCase[] = [
  // The events table
  {
    name: "Edit an event's meta",
    group: 'events',
    tamper: setEvent('meta', '{"by":"mallory"}', 7),
    caught: both('hash_mismatch'),
  },
  {
    name: "Edit an event's type (approved → denied)",
    group: 'events',
    tamper: setEvent('event_type', 'denied', 7),
    caught: both('hash_mismatch'),
  },
  {
    name: "Edit an event's timestamp",
    group: 'events',
    tamper: setEvent('created_at', '2029-01-01T00:00:00.000Z', 7),
    caught: both('hash_mismatch'),
  },
  {
    name: "Edit an event's id",
    group: 'events',
    tamper: setEvent('id', '00000000-0000-4000-8000-000000000bad', 7),
    caught: both('hash_mismatch'),
  },
  {
    name: 'Move an event to another action (its action_id)',
    group: 'events',
    tamper: async (t) => t.db.run('UPDATE action_events SET action_id = ? WHERE seq = 7', [t.f.denied.id]),
    caught: both('hash_mismatch', 'snapshot_wrong_action', 'event_not_listed', 'listed_event_foreign'),
    postgres: both('hash_mismatch', 'snapshot_wrong_action', 'history_invalid', 'action_differs_from_ledger'),
  },
  {
    name: "Edit an event's action snapshot (status)",
    group: 'events',
    tamper: (t) =>
      editSnapshot(t.db, 7, (s) => {
        s.status = 'denied';
      }),
    caught: both('hash_mismatch', 'action_differs_from_ledger'),
  },
  {
    name: "Edit an event's prev_hash",
    group: 'events',
    tamper: setEvent('prev_hash', 'f'.repeat(64), 7),
    caught: both('broken_link', 'hash_mismatch'),
  },
  {
    name: "Edit an event's stored hash",
    group: 'events',
    tamper: setEvent('hash', 'e'.repeat(64), 7),
    caught: both('hash_mismatch', 'broken_link'),
  },
  {
    name: "Make an event's meta unreadable",
    group: 'events',
    tamper: setEvent('meta', '{not json', 7),
    caught: both('unreadable_event'),
  },
  {
    name: "Make an event's snapshot unreadable",
    group: 'events',
    tamper: setEvent('action_snapshot', 'garbage', 7),
    caught: both('unreadable_event'),
  },
  {
    name: 'Swap two events (reorder the ledger)',
    group: 'events',
    tamper: async (t) => {
      await moveEvent(t, 3, 1000);
      await moveEvent(t, 7, 3);
      await moveEvent(t, 1000, 7);
    },
    caught: both('broken_link', 'event_not_listed', 'listed_event_foreign'),
    postgres: both('broken_link', 'history_invalid', 'action_differs_from_ledger'),
  },
  {
    name: 'Renumber the newest event (a gap in seq)',
    group: 'events',
    tamper: (t) => moveEvent(t, 13, 20),
    caught: withCheckpoint(
      ['seq_gap', 'event_not_listed', 'listed_event_missing', 'head_mismatch'],
      ['seq_gap', 'event_not_listed', 'listed_event_missing', 'head_mismatch', 'checkpoint_mismatch'],
    ),
    postgres: withCheckpoint(['seq_gap', 'head_mismatch'], ['seq_gap', 'head_mismatch', 'checkpoint_mismatch']),
  },
  {
    name: 'Duplicate a seq',
    group: 'events',
    only: 'postgres',
    note: 'SQLite: seq is the rowid, which cannot repeat.',
    tamper: async (t) => {
      await t.db.run('ALTER TABLE action_events DROP CONSTRAINT action_events_pkey');
      await t.db.run(
        `INSERT INTO action_events (seq, id, action_id, event_type, meta, created_at, prev_hash, hash, status, action_snapshot)
         SELECT seq, id || '-copy', action_id, event_type, meta, created_at, prev_hash, hash, status, action_snapshot
         FROM action_events WHERE seq = 7`,
      );
    },
    caught: both('seq_duplicate', 'broken_link', 'hash_mismatch', 'seq_list_invalid'),
  },
  {
    name: 'Delete the first event',
    group: 'events',
    tamper: async (t) => t.db.run('DELETE FROM action_events WHERE seq = 1'),
    caught: both('seq_gap', 'broken_link', 'unreadable_event', 'listed_event_missing'),
    postgres: both('seq_gap', 'broken_link', 'history_invalid'),
  },
  {
    name: 'Delete an event in the middle',
    group: 'events',
    tamper: async (t) => t.db.run('DELETE FROM action_events WHERE seq = 7'),
    caught: both('seq_gap', 'broken_link', 'listed_event_missing'),
    postgres: both('seq_gap', 'broken_link', 'action_differs_from_ledger'),
  },
  {
    name: 'Delete the newest event',
    group: 'events',
    tamper: async (t) => t.db.run('DELETE FROM action_events WHERE seq = 13'),
    caught: withCheckpoint(
      ['ledger_truncated', 'listed_event_missing'],
      ['ledger_truncated', 'listed_event_missing', 'behind_checkpoint'],
    ),
    postgres: withCheckpoint(['ledger_truncated'], ['ledger_truncated', 'behind_checkpoint']),
  },
  {
    name: 'Delete the newest action with its events',
    group: 'events',
    tamper: deleteNewestAction,
    caught: withCheckpoint(['ledger_truncated'], ['ledger_truncated', 'behind_checkpoint']),
  },
  {
    name: 'Delete the newest action and lower the high-water row to match',
    group: 'events',
    tamper: async (t) => {
      await deleteNewestAction(t);
      await lowerHighWaterTo(t, 11);
    },
    caught: withCheckpoint([], ['behind_checkpoint']),
    note: 'Without a checkpoint the database alone is self-consistent again.',
  },
  {
    name: 'Delete the newest action, lower the high-water row and delete the database checkpoints',
    group: 'events',
    setups: ['signed'],
    tamper: async (t) => {
      await deleteNewestAction(t);
      await lowerHighWaterTo(t, 11);
      await t.db.run('DELETE FROM ledger_checkpoints');
    },
    caught: withCheckpoint([], ['behind_checkpoint']),
    note: 'Caught by the checkpoint file only.',
  },
  {
    name: 'Append a forged, well-chained event (approving a pending action)',
    group: 'events',
    tamper: appendForgedApproval(false),
    caught: both('event_not_listed', 'head_mismatch'),
    postgres: both('action_differs_from_ledger', 'head_mismatch'),
  },
  {
    name: 'Append a forged approval and update the row, seq list and high-water row to match',
    group: 'events',
    tamper: appendForgedApproval(true),
    caught: both(),
    note: 'Appended after the newest checkpoint: caught by none until a checkpoint the attacker cannot sign; see "What is not detected".',
  },
  {
    name: 'Forge an action row without events',
    group: 'events',
    tamper: forgeActionRow('[]'),
    caught: both('action_without_events'),
  },
  {
    name: "Forge an action row that lists another action's events",
    group: 'events',
    only: 'sqlite',
    note: "PostgreSQL: an action's events are found by action_id, so a forged row has none (the case above).",
    tamper: forgeActionRow('[10,11]'),
    caught: both('listed_event_foreign'),
  },
  {
    name: 'Delete an action row, keep its events',
    group: 'events',
    tamper: async (t) => {
      await t.db.run(
        t.db.dialect === 'postgres'
          ? 'ALTER TABLE action_events DROP CONSTRAINT action_events_action_id_fkey'
          : 'PRAGMA foreign_keys = OFF',
      );
      await t.db.run('DELETE FROM actions WHERE id = ?', [t.f.denied.id]);
    },
    caught: both('orphan_event'),
  },

  // The actions table (what the server acts on)
  {
    name: "Change a pending action's status to approved",
    group: 'actions',
    tamper: async (t) =>
      t.db.run("UPDATE actions SET status = 'approved', approval_token = NULL WHERE id = ?", [t.f.pending.id]),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: 'Change params after approval',
    group: 'actions',
    tamper: setAction('params', '{"amount":999999}', (f) => f.approved),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: "Change an action's context",
    group: 'actions',
    tamper: setAction('context', '{"session":"forged"}', (f) => f.pending),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: "Change an action's request_hash",
    group: 'actions',
    tamper: setAction('request_hash', 'c'.repeat(64), (f) => f.approved),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: 'Turn a denied action into an allowed one (decision and status)',
    group: 'actions',
    tamper: async (t) =>
      t.db.run("UPDATE actions SET decision = 'allow', status = 'allowed' WHERE id = ?", [t.f.denied.id]),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: 'Change who approved an action',
    group: 'actions',
    tamper: setAction('approval_decided_by', 'mallory', (f) => f.approved),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: "Extend a pending approval's expiry",
    group: 'actions',
    tamper: setAction('approval_expires_at', '2099-01-01T00:00:00.000Z', (f) => f.pending),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: "Change an action's version",
    group: 'actions',
    tamper: setAction('version', 5, (f) => f.pending),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: "Change an action's agent_id and tool",
    group: 'actions',
    tamper: async (t) =>
      t.db.run("UPDATE actions SET agent_id = 'marketing-prod', tool = 'stripe' WHERE id = ?", [t.f.newest.id]),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: "Lower an action's risk level",
    group: 'actions',
    tamper: setAction('risk_level', 'low', (f) => f.denied),
    caught: both('action_differs_from_ledger'),
  },
  {
    name: 'Give a finished action an approval token',
    group: 'actions',
    tamper: setAction('approval_token', 'known-to-mallory', (f) => f.approved),
    caught: both('approval_token_unexpected'),
  },
  {
    name: "Drop an event from an action's seq list",
    group: 'actions',
    only: 'sqlite',
    note: 'PostgreSQL keeps no seq list in the row.',
    tamper: async (t) => t.db.run("UPDATE actions SET event_seqs = '[5,6]' WHERE id = ?", [t.f.approved.id]),
    caught: both('event_not_listed', 'action_differs_from_ledger'),
  },
  {
    name: "Swap two actions' last snapshots",
    group: 'actions',
    tamper: swapLastSnapshots,
    caught: both('hash_mismatch', 'snapshot_wrong_action', 'action_differs_from_ledger'),
  },
  {
    name: "Swap two actions' statuses",
    group: 'actions',
    tamper: async (t) => {
      await t.db.run("UPDATE actions SET status = 'allowed' WHERE id = ?", [t.f.denied.id]);
      await t.db.run("UPDATE actions SET status = 'denied' WHERE id = ?", [t.f.newest.id]);
    },
    caught: both('action_differs_from_ledger'),
  },
  {
    name: 'Approve a pending action in its row and in its last snapshot',
    group: 'actions',
    tamper: approvePendingInRowAndSnapshot,
    caught: both('hash_mismatch'),
  },
  {
    name: '… and re-hash the whole chain (no key needed)',
    group: 'actions',
    tamper: async (t) => {
      await approvePendingInRowAndSnapshot(t);
      await rehashChain(t.db, t.store);
    },
    caught: withCheckpoint([], ['checkpoint_mismatch']),
    note: 'Without a checkpoint the re-hashed chain is valid: this is what the key and the checkpoints are for.',
  },
  {
    name: "… re-hash and rewrite the database checkpoints' hashes",
    group: 'actions',
    setups: ['signed'],
    tamper: async (t) => {
      await approvePendingInRowAndSnapshot(t);
      await rehashChain(t.db, t.store);
      await t.db.run('UPDATE ledger_checkpoints SET hash = (SELECT hash FROM ledger_head WHERE id = 1)');
    },
    caught: withCheckpoint([], ['checkpoint_forged', 'checkpoint_mismatch']),
  },
  {
    name: '… re-hash and delete the database checkpoints',
    group: 'actions',
    setups: ['signed'],
    tamper: async (t) => {
      await approvePendingInRowAndSnapshot(t);
      await rehashChain(t.db, t.store);
      await t.db.run('DELETE FROM ledger_checkpoints');
    },
    caught: withCheckpoint([], ['checkpoint_mismatch']),
    note: 'Caught by the checkpoint file only.',
  },

  // The ledger's own bookkeeping
  {
    name: 'Lower the high-water row',
    group: 'bookkeeping',
    tamper: (t) => lowerHighWaterTo(t, 5),
    caught: both('head_mismatch'),
  },
  {
    name: 'Delete the high-water row',
    group: 'bookkeeping',
    tamper: async (t) => t.db.run('DELETE FROM ledger_head'),
    caught: both('head_missing'),
  },
  {
    name: "Edit a database checkpoint's seq",
    group: 'bookkeeping',
    setups: ['signed'],
    tamper: async (t) => t.db.run('UPDATE ledger_checkpoints SET seq = 12'),
    caught: withCheckpoint([], ['checkpoint_forged']),
  },
  {
    name: 'Insert a forged checkpoint',
    group: 'bookkeeping',
    setups: ['signed'],
    tamper: async (t) => {
      const [{ key_id }] = (await t.db.all<{ key_id: string }>('SELECT key_id FROM ledger_checkpoints')) as [
        { key_id: string },
      ];
      await t.db.run('INSERT INTO ledger_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)', [
        20,
        'ab'.repeat(32),
        '2031-01-01T00:00:00.000Z',
        key_id,
        'A'.repeat(86),
      ]);
    },
    caught: withCheckpoint([], ['checkpoint_forged']),
  },
];

/** The kinds a case must produce on a database in a setup. */
export function expectedKinds(c: TamperCase, dialect: Dialect, setup: Setup): LedgerProblemKind[] {
  return [...((dialect === 'postgres' ? c.postgres?.[setup] : undefined) ?? c.caught[setup])].sort();
}

export function appliesTo(c: TamperCase, dialect: Dialect, setup: Setup): boolean {
  return (c.only === undefined || c.only === dialect) && (c.setups === undefined || c.setups.includes(setup));
}
