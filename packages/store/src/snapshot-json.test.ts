import { canonicalJson } from '@faramesh/canonical';
import { describe, expect, it } from 'vitest';
import { newEvents } from './contract/fixtures.js';
import { createdRecord } from './created-record.js';
import { ledgerSnapshot } from './ledger-snapshot.js';
import { snapshotJson } from './snapshot-json.js';
import { sampleAction } from './store.contract.js';
import type { ApprovalState, NewAction } from './store.js';
import { validateCreate } from './validate-input.js';

const snapshotOf = (overrides: Partial<NewAction> = {}) => {
  const input = { action: sampleAction(overrides), events: newEvents('created') };
  return { snapshot: ledgerSnapshot(createdRecord(input.action)), texts: validateCreate(input) };
};

describe('snapshotJson', () => {
  it('is canonicalJson of the snapshot, its JSON members copied from the validated texts', () => {
    const approval: ApprovalState = {
      requirement: { approvals: 2, approvers: ['ü"'] },
      decisions: [],
      escalations_fired: 0,
      next_escalation_at: null,
      submitter_shared: false,
    };
    const variants: Partial<NewAction>[] = [
      {},
      { matched_rule: null },
      { approval },
      { params: { z: 1, a: { y: [2, { b: 1, a: 0 }] } } },
    ];
    for (const overrides of variants) {
      const { snapshot, texts } = snapshotOf(overrides);
      expect(snapshotJson(snapshot, texts)).toBe(canonicalJson(snapshot));
    }
  });

  it('hashes the texts it is given: what the action row stores, not a later edit of the objects', () => {
    const { snapshot, texts } = snapshotOf({ params: { cmd: 'ls' } });
    (snapshot.params as { cmd: string }).cmd = 'rm -rf /';
    expect(snapshotJson(snapshot, texts)).toContain('"params":{"cmd":"ls"}');
  });
});
