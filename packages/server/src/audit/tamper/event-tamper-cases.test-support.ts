import { editSnapshot } from './tamper-db.test-support.js';
import {
  appendForgedApproval,
  both,
  deleteNewestAction,
  forgeActionRow,
  lowerHighWaterTo,
  moveEvent,
  setEvent,
  type TamperCase,
  withCheckpoint,
} from './tamper-steps.test-support.js';

/** Tampering with the events table (the hash-chained ledger itself). */
export const EVENT_TAMPER_CASES: readonly TamperCase[] = [
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
    // SQLite rebuilds the snapshot from the row the event names, so it shows the other action's id.
    caught: both('hash_mismatch', 'event_not_listed', 'listed_event_foreign'),
    postgres: both('hash_mismatch', 'snapshot_wrong_action', 'history_invalid', 'action_differs_from_ledger'),
  },
  {
    name: "Edit an event's action snapshot (status)",
    group: 'events',
    tamper: (t) =>
      editSnapshot(t.db, t.store, 7, (s) => {
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
    caught: both('seq_gap', 'broken_link', 'hash_mismatch', 'listed_event_missing'),
    postgres: both('seq_gap', 'broken_link', 'history_invalid'),
    note: "SQLite: the write's second event links to the event stored before it (it keeps no prev_hash), which is gone.",
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
    caught: both('orphan_event', 'unreadable_event'),
    postgres: both('orphan_event'),
    note: 'SQLite: the snapshots of its events are rebuilt from the row, so they can no longer be read either.',
  },
];
