import { rehashChain } from './tamper-db.test-support.js';
import {
  approvePendingInRowAndSnapshot,
  both,
  setAction,
  swapLastSnapshots,
  type TamperCase,
  withCheckpoint,
} from './tamper-steps.test-support.js';

/**
 * SQLite (schema 18) keeps the fields of an action that never change once, in its row, and rebuilds
 * each event's snapshot from them: an edit of one changes what every event of the action hashes.
 */
const FIXED_FIELD_NOTE =
  "SQLite: the events' snapshots take the fields that never change from the row, so the edit breaks their hashes.";

/** Tampering with the actions table: what the server acts on. */
export const ACTION_TAMPER_CASES: readonly TamperCase[] = [
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
    caught: both('hash_mismatch'),
    postgres: both('action_differs_from_ledger'),
    note: FIXED_FIELD_NOTE,
  },
  {
    name: "Change an action's context",
    group: 'actions',
    tamper: setAction('context', '{"session":"forged"}', (f) => f.pending),
    caught: both('hash_mismatch'),
    postgres: both('action_differs_from_ledger'),
    note: FIXED_FIELD_NOTE,
  },
  {
    name: "Change an action's request_hash",
    group: 'actions',
    tamper: setAction('request_hash', 'c'.repeat(64), (f) => f.approved),
    caught: both('hash_mismatch'),
    postgres: both('action_differs_from_ledger'),
    note: FIXED_FIELD_NOTE,
  },
  {
    name: 'Turn a denied action into an allowed one (decision and status)',
    group: 'actions',
    tamper: async (t) =>
      t.db.run("UPDATE actions SET decision = 'allow', status = 'allowed' WHERE id = ?", [t.f.denied.id]),
    caught: both('action_differs_from_ledger', 'hash_mismatch'),
    postgres: both('action_differs_from_ledger'),
    note: FIXED_FIELD_NOTE,
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
    caught: both('hash_mismatch'),
    postgres: both('action_differs_from_ledger'),
    note: FIXED_FIELD_NOTE,
  },
  {
    name: "Lower an action's risk level",
    group: 'actions',
    tamper: setAction('risk_level', 'low', (f) => f.denied),
    caught: both('hash_mismatch'),
    postgres: both('action_differs_from_ledger'),
    note: FIXED_FIELD_NOTE,
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
];
