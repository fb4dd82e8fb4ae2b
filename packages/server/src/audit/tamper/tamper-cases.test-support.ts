import type { LedgerProblemKind } from '@faramesh/contract';
import { ACTION_TAMPER_CASES } from './action-tamper-cases.test-support.js';
import { EVENT_TAMPER_CASES } from './event-tamper-cases.test-support.js';
import type { Dialect } from './tamper-db.test-support.js';
import { both, lowerHighWaterTo, type Setup, type TamperCase, withCheckpoint } from './tamper-steps.test-support.js';

export { SETUPS, type Setup, type TamperCase } from './tamper-steps.test-support.js';

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
export const TAMPER_CASES: readonly TamperCase[] = [
  ...EVENT_TAMPER_CASES,
  ...ACTION_TAMPER_CASES,
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
