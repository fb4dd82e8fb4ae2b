import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import type { ApprovalState } from '../store.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, newEvents, nextTime } from './fixtures.js';

/** An approval state as the server writes it; the requirement is opaque JSON to the store. */
function approvalState(overrides: Partial<ApprovalState> = {}): ApprovalState {
  return {
    requirement: {
      approvers: ['finance'],
      approvals: 2,
      expires_in_ms: 1_800_000,
      escalate: [{ after_ms: 600_000, approvers: ['sre'], notify: ['user:vp'] }],
      groups: { finance: ['alice', 'bob@corp.example'], sre: ['carol'] },
    },
    decisions: [],
    escalations_fired: 0,
    next_escalation_at: null,
    submitter_shared: false,
    ...overrides,
  };
}

export function describeApprovalContract(s: ContractScope): void {
  describe('approval state', () => {
    it('keeps the approval state of a pending action, in the row and in its snapshots', async () => {
      await s.fresh();
      const approval = approvalState({ next_escalation_at: '2030-06-01T00:10:00.000Z' });
      const { action, events } = await s.create({ status: 'pending_approval', approval_token: 'tok', approval });
      expect(action.approval).toEqual(approval);
      expect((await s.store.getAction(action.id))?.approval).toEqual(approval);
      for (const event of [...events, ...(await s.store.listEvents(action.id))])
        expect(event.action.approval).toEqual(approval);
      const page = await s.store.listActions({ filter: { status: 'pending_approval' }, limit: 10 });
      expect(page.items[0]?.approval).toEqual(approval);
      expect(verifyLedger(await s.allEvents())).toEqual({ ok: true });
    });

    // One database per test is the expensive part on PostgreSQL: related checks share one.
    it('leaves `approval` out of actions that never needed approval, and alone when a move does not patch it', async () => {
      await s.fresh();
      const { action, events } = await s.create();
      expect('approval' in action).toBe(false);
      const stored = await s.store.getAction(action.id);
      expect(stored !== null && 'approval' in stored).toBe(false);
      expect('approval' in (events[0]?.action ?? {})).toBe(false);
      const [read] = await s.store.listEvents(action.id);
      expect('approval' in (read?.action ?? {})).toBe(false);

      const approval = approvalState({ decisions: [{ by: 'alice', approve: true, at: nextTime(), reason: null }] });
      const pending = await s.create({ status: 'pending_approval', approval_token: 'tok', approval });
      await s.store.transition({
        id: pending.action.id,
        expected_version: 1,
        patch: { status: 'expired', approval_token: null },
        events: newEvents('expired'),
        at: nextTime(),
      });
      expect((await s.store.getAction(pending.action.id))?.approval).toEqual(approval);
    });

    it('records decisions one compare-and-set at a time, and refuses a stale one', async () => {
      await s.fresh();
      const { action } = await s.create({
        status: 'pending_approval',
        approval_token: 'tok',
        approval: approvalState(),
      });
      const first = { by: 'alice', approve: true, at: nextTime(), reason: 'fine' };
      const partial = await s.store.transition({
        id: action.id,
        expected_version: 1,
        patch: { approval: approvalState({ decisions: [first] }) },
        events: newEvents('approval_recorded'),
        at: first.at,
      });
      expect(partial.action.status).toBe('pending_approval');
      expect(partial.action.approval?.decisions).toEqual([first]);
      expect(partial.events[0]?.action.approval?.decisions).toEqual([first]);
      // A second approver who read version 1 loses: their decision must be judged again.
      const late = { by: 'bob@corp.example', approve: true, at: nextTime(), reason: null };
      await expectStoreError(
        s.store.transition({
          id: action.id,
          expected_version: 1,
          patch: { status: 'approved', approval: approvalState({ decisions: [late] }) },
          events: newEvents('approved'),
          at: late.at,
        }),
        'version_conflict',
      );
      const done = await s.store.transition({
        id: action.id,
        expected_version: 2,
        patch: { status: 'approved', approval_token: null, approval: approvalState({ decisions: [first, late] }) },
        events: newEvents('approved'),
        at: late.at,
      });
      const stored = await s.store.getAction(action.id);
      expect(stored?.status).toBe('approved');
      expect(stored?.approval?.decisions).toEqual([first, late]);
      expect(done.action.approval).toEqual(stored?.approval);
      expect(verifyLedger(await s.allEvents())).toEqual({ ok: true });
      await expectStoreError(
        s.store.transition({
          id: action.id,
          expected_version: 3,
          patch: { approval: [] as unknown as ApprovalState },
          events: newEvents('approval_recorded'),
          at: nextTime(),
        }),
        'invalid_input',
      );
    });

    it('lists pending actions whose next escalation is due, soonest first, and only those', async () => {
      await s.fresh();
      const at = (minute: number): string => `2030-06-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
      const pending = async (due: string | null, status = 'pending_approval') =>
        (await s.create({ status, approval: approvalState({ next_escalation_at: due }) })).action.id;
      const later = await pending(at(20));
      const soon = await pending(at(10));
      const exactlyNow = await pending(at(30));
      await pending(at(40)); // not yet due
      await pending(null); // no step left
      await pending(at(5), 'approved'); // no longer pending
      await s.create({ status: 'pending_approval' }); // stored without approval state
      const due = await s.store.listDueEscalations(at(30), 10);
      expect(due.map((action) => action.id)).toEqual([soon, later, exactlyNow]);
      expect((await s.store.listDueEscalations(at(30), 1)).map((action) => action.id)).toEqual([soon]);
      expect(await s.store.listDueEscalations(at(1), 10)).toEqual([]);

      // Once its step is recorded (next one: none) or it is decided, an action is no longer listed.
      await s.store.transition({
        id: soon,
        expected_version: 1,
        patch: { approval: approvalState({ escalations_fired: 1, next_escalation_at: null }) },
        events: newEvents('escalated'),
        at: nextTime(),
      });
      await s.store.transition({
        id: later,
        expected_version: 1,
        patch: { status: 'denied' },
        events: newEvents('denied'),
        at: nextTime(),
      });
      expect((await s.store.listDueEscalations(at(30), 10)).map((action) => action.id)).toEqual([exactlyNow]);
      expect((await s.store.getAction(soon))?.approval?.escalations_fired).toBe(1);
    });

    it('lists break-glass approvals newest first, the open reviews alone when asked, and keeps them in snapshots', async () => {
      await s.fresh();
      const review = { status: 'open', acknowledged_by: null, acknowledged_at: null, note: null, same_identity: false };
      const glass = (minute: number) => ({
        by: 'carol',
        role: 'admin',
        at: `2030-06-01T00:${String(minute).padStart(2, '0')}:00.000Z`,
        reason: 'outage',
        same_identity: false,
        review: { ...review } as NonNullable<ApprovalState['break_glass']>['review'],
      });
      const broken = async (minute: number) =>
        (await s.create({ status: 'approved', approval: approvalState({ break_glass: glass(minute) }) })).action.id;
      const first = await broken(1);
      const second = await broken(2);
      const third = await broken(3);
      await s.create({ status: 'approved', approval: approvalState() }); // approved the ordinary way
      await s.create(); // never needed approval
      expect((await s.store.listBreakGlass({ review: 'open', limit: 10 })).map((a) => a.id)).toEqual([
        third,
        second,
        first,
      ]);
      expect((await s.store.listBreakGlass({ review: 'open', limit: 2 })).map((a) => a.id)).toEqual([third, second]);

      const acknowledged = approvalState({
        break_glass: {
          ...glass(2),
          review: {
            ...review,
            status: 'acknowledged',
            acknowledged_by: 'alice',
            acknowledged_at: nextTime(),
            note: 'ok',
          },
        },
      });
      const done = await s.store.transition({
        id: second,
        expected_version: 1,
        patch: { approval: acknowledged },
        events: newEvents('break_glass_reviewed'),
        at: nextTime(),
      });
      expect(done.events[0]?.action.approval?.break_glass?.review.acknowledged_by).toBe('alice');
      expect((await s.store.listBreakGlass({ review: 'open', limit: 10 })).map((a) => a.id)).toEqual([third, first]);
      const all = await s.store.listBreakGlass({ limit: 10 });
      expect(all.map((a) => a.id)).toEqual([third, second, first]);
      expect(all[1]?.approval).toEqual(acknowledged);
      expect((await s.store.listBreakGlass({ review: 'acknowledged', limit: 1 })).map((a) => a.id)).toEqual([second]);
      expect(verifyLedger(await s.allEvents())).toEqual({ ok: true });
    });
  });
}
