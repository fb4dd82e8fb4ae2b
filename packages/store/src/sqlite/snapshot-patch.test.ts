import { canonicalJson } from '@faramesh/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../apply-patch.js';
import { ledgerSnapshot } from '../ledger-snapshot.js';
import { sampleAction } from '../store.contract.js';
import type { ActionPatch, ActionRecord } from '../store.js';
import { actionToRow } from './row-mapping.js';
import { snapshotPatch, snapshotText } from './snapshot-patch.js';

const created = (overrides: Partial<ActionRecord> = {}): ActionRecord => {
  const action = sampleAction(overrides as never);
  return { ...action, updated_at: action.created_at, version: 1, ...overrides };
};

/** Every version of an action, from creation through `patches` (one write each). */
function versions(first: ActionRecord, patches: ActionPatch[]): ActionRecord[] {
  const all = [first];
  patches.forEach((patch, i) => {
    all.push(applyPatch(all.at(-1)!, patch, new Date(Date.parse(first.created_at) + (i + 1) * 1000).toISOString()));
  });
  return all;
}

/** Each version's snapshot rebuilt from the newest row and its patch, as canonical JSON. */
const rebuilt = (all: ActionRecord[]) =>
  all.map((version) => {
    const snapshot = ledgerSnapshot(version);
    return snapshotText(actionToRow(all.at(-1)!), snapshot.status, snapshotPatch(snapshot, snapshot.status));
  });

const approval = (decisions: number) => ({
  requirement: { approvals: 2, approvers: ['ops'] },
  decisions: Array.from({ length: decisions }, (_, i) => ({
    by: `u${i}`,
    approve: true,
    at: '2030-01-01T00:00:00.000Z',
    reason: null,
  })),
  escalations_fired: 0,
  next_escalation_at: null,
  submitter_shared: false,
});

describe('snapshots as patches of the action row', () => {
  it('stores nothing for an action as it was created, and rebuilds its snapshot from the row alone', () => {
    const action = created();
    expect(snapshotPatch(ledgerSnapshot(action), action.status)).toBeNull();
    expect(rebuilt([action])).toEqual([canonicalJson(ledgerSnapshot(action))]);
  });

  it('rebuilds every version of an approved, executed action from the newest row, byte for byte', () => {
    const all = versions(
      created({
        status: 'pending_approval',
        decision: 'require_approval',
        approval_token: 'secret',
        approval_expires_at: '2030-06-01T00:00:00.000Z',
        approval: approval(0),
      }),
      [
        { approval: approval(1) },
        {
          status: 'approved',
          approval_token: null,
          approval_decided_by: 'bob',
          approval_decided_at: 'x',
          approval: approval(2),
        },
        { status: 'executing', started_at: '2030-01-02T00:00:00.000Z' },
        { status: 'failed', finished_at: '2030-01-02T00:01:00.000Z', result_error: 'exit 1' },
      ],
    );
    expect(rebuilt(all)).toEqual(all.map((version) => canonicalJson(ledgerSnapshot(version))));
  });

  it('keeps an approval that was absent at one version absent in that snapshot', () => {
    const all = versions(created(), [{ approval: approval(1) }]);
    const [first] = rebuilt(all);
    expect(JSON.parse(first!)).not.toHaveProperty('approval');
    expect(first).toBe(canonicalJson(ledgerSnapshot(all[0]!)));
  });

  it('rebuilds a grant-allowed action with its grant_id from the row, and leaves it out of actions without one', () => {
    const granted = versions(created({ reason_code: 'grant', grant_id: 'grant-1' }), [
      { status: 'executing', started_at: '2030-01-02T00:00:00.000Z' },
    ]);
    expect(rebuilt(granted)).toEqual(granted.map((version) => canonicalJson(ledgerSnapshot(version))));
    expect(snapshotPatch(ledgerSnapshot(granted[0]!), granted[0]!.status)).toBeNull();
    const [plain] = rebuilt([created()]);
    expect(JSON.parse(plain!)).not.toHaveProperty('grant_id');
  });

  it('rebuilds a break-glass approval and its later review from the patches of the approval', () => {
    const review = { status: 'open', acknowledged_by: null, acknowledged_at: null, note: null, same_identity: false };
    const glass = { by: 'root', role: 'admin', at: '2030-01-01T00:00:01.000Z', reason: 'outage', same_identity: false };
    const all = versions(
      created({ status: 'pending_approval', decision: 'require_approval', approval_token: 't', approval: approval(0) }),
      [
        { status: 'approved', approval_token: null, approval: { ...approval(0), break_glass: { ...glass, review } } },
        {
          approval: {
            ...approval(0),
            break_glass: { ...glass, review: { ...review, status: 'acknowledged', acknowledged_by: 'bob' } },
          },
        },
      ] as ActionPatch[],
    );
    expect(rebuilt(all)).toEqual(all.map((version) => canonicalJson(ledgerSnapshot(version))));
  });

  it('lets a patch naming a fixed or unknown field (only an edit writes one) change the text', () => {
    const row = actionToRow(created());
    const edited = JSON.parse(snapshotText(row, 'allowed', '{"params":{"cmd":"rm"},"zz":1}'));
    expect(edited.params).toEqual({ cmd: 'rm' });
    expect(Object.keys(edited).at(-1)).toBe('zz');
  });

  it('changes the text when the row was edited, even into equivalent JSON', () => {
    const action = created();
    const text = snapshotText(actionToRow(action), 'allowed', null);
    expect(snapshotText({ ...actionToRow(action), context: '{ "session": "s-1" }' }, 'allowed', null)).not.toBe(text);
  });

  it('refuses a patch that is not a JSON object or names __proto__', () => {
    const row = actionToRow(created());
    expect(() => snapshotText(row, 'allowed', '[1]')).toThrow(SyntaxError);
    expect(() => snapshotText(row, 'allowed', '{"__proto__":{"status":"x"}}')).toThrow(SyntaxError);
  });

  it('rebuilds any sequence of transitions exactly (property)', () => {
    const text = fc.option(fc.string({ maxLength: 12 }), { nil: null });
    const patch: fc.Arbitrary<ActionPatch> = fc.record(
      {
        status: fc.constantFrom('approved', 'executing', 'succeeded', 'failed', 'expired'),
        approval_token: text,
        approval_expires_at: text,
        approval_decided_by: text,
        approval_decided_at: text,
        approval_reason: text,
        started_at: text,
        finished_at: text,
        result_error: text,
        approval: fc.nat(3).map(approval),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(patch, { maxLength: 6 }), (pending, patches) => {
        const first = created(
          pending ? { status: 'pending_approval', approval_token: 't', approval: approval(0) } : {},
        );
        const all = versions(first, patches);
        expect(rebuilt(all)).toEqual(all.map((version) => canonicalJson(ledgerSnapshot(version))));
      }),
      { numRuns: 300 },
    );
  });
});
