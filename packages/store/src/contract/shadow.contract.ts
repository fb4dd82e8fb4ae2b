import { describe, expect, it } from 'vitest';
import type { ShadowDisagreementRecord } from '../shadow/shadow-store.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, newEvents, nextTime, sampleAction } from './fixtures.js';

const SHADOW = 'c'.repeat(64);
const OTHER_SHADOW = 'd'.repeat(64);

function disagreement(actionId: string, at: string, overrides: Partial<ShadowDisagreementRecord> = {}) {
  return {
    action_id: actionId,
    created_at: at,
    kind: 'decision',
    active_decision: 'allow',
    active_rule: { index: 0, description: 'safe reads' },
    active_policy_hash: 'a'.repeat(64),
    shadow_decision: 'deny',
    shadow_rule: { index: 2, description: 'no shell' },
    shadow_reason: 'no shell',
    shadow_reason_code: 'rule_matched',
    shadow_risk_level: 'low',
    shadow_policy_hash: SHADOW,
    ...overrides,
  } satisfies ShadowDisagreementRecord;
}

/** `store.shadow`: the API-set shadow policy and the disagreements recorded with actions. */
export function describeShadowContract(s: ContractScope): void {
  describe('shadow policy', () => {
    async function createWithShadow(overrides: Partial<ShadowDisagreementRecord> = {}) {
      const action = sampleAction();
      const shadow = disagreement(action.id, action.created_at, overrides);
      await s.store.createAction({ action, events: newEvents('created', 'decision_made'), shadow });
      return shadow;
    }

    it('records a disagreement with its action and reads it back by action id', async () => {
      await s.fresh();
      const recorded = await createWithShadow();
      const plain = await s.create();
      expect(await s.store.shadow.forActions([recorded.action_id, plain.action.id])).toEqual([recorded]);
      expect(await s.store.shadow.forActions([])).toEqual([]);
    });

    it('records nothing when the create is an idempotent replay', async () => {
      await s.fresh();
      const first = sampleAction({ idempotency_key: 'k-1', submitted_by: 'bot' });
      await s.store.createAction({ action: first, events: newEvents('created') });
      const again = sampleAction({ idempotency_key: 'k-1', submitted_by: 'bot' });
      const result = await s.store.createAction({
        action: again,
        events: newEvents('created'),
        shadow: disagreement(again.id, again.created_at),
      });
      expect(result.created).toBe(false);
      expect(await s.store.shadow.forActions([first.id, again.id])).toEqual([]);
    });

    it('refuses a disagreement that names another action', async () => {
      await s.fresh();
      const action = sampleAction();
      await expectStoreError(
        s.store.createAction({
          action,
          events: newEvents('created'),
          shadow: disagreement('00000000-0000-4000-8000-000000000000', action.created_at),
        }),
        'invalid_input',
      );
      expect(await s.store.getAction(action.id)).toBeNull();
    });

    it('summarizes one shadow policy in a window: counts by old→new decision and rule, newest examples first', async () => {
      await s.fresh();
      await s.create(); // before the window
      const since = nextTime();
      const a = await createWithShadow();
      const b = await createWithShadow();
      await s.create(); // agreed: no disagreement, but a submission
      const c = await createWithShadow();
      const d = await createWithShadow({ shadow_decision: 'require_approval', shadow_rule: null });
      await createWithShadow({ shadow_policy_hash: OTHER_SHADOW });
      const until = nextTime();
      await createWithShadow();
      const rows = await s.store.shadow.summarize({ policy_hash: SHADOW, since, until, examples: 2, max_groups: 10 });
      // The denominator is the same window's actions, with a disagreement of any shadow policy or none.
      expect(rows.submissions).toBe(6);
      expect(rows.groups).toEqual([
        {
          active_decision: 'allow',
          shadow_decision: 'deny',
          shadow_rule: { index: 2, description: 'no shell' },
          active_policy_hash: 'a'.repeat(64),
          count: 3,
        },
        {
          active_decision: 'allow',
          shadow_decision: 'require_approval',
          shadow_rule: null,
          active_policy_hash: 'a'.repeat(64),
          count: 1,
        },
      ]);
      expect(rows.examples.map((e) => e.action_id)).toEqual([d.action_id, c.action_id, b.action_id]);
      expect(rows.examples.map((e) => e.action_id)).not.toContain(a.action_id);
      expect(rows.examples[0]).toEqual({
        action_id: d.action_id,
        created_at: d.created_at,
        active_decision: 'allow',
        shadow_decision: 'require_approval',
        shadow_rule: null,
      });
    });

    it('keeps one API-set shadow policy, replaced by the next and cleared only by its own hash', async () => {
      await s.fresh();
      expect(await s.store.shadow.getPolicy()).toBeNull();
      expect(await s.store.shadow.policyHead()).toBeNull();
      const first = { source: 'rules: []\n', hash: '1'.repeat(64), set_by: 'alice', set_at: nextTime() };
      expect(await s.store.shadow.setPolicy(first)).toEqual(first);
      expect(await s.store.shadow.getPolicy()).toEqual(first);
      // The same policy again: still evaluated since it was first set, by whoever set it first.
      expect(await s.store.shadow.setPolicy({ ...first, set_by: 'bob', set_at: nextTime() })).toEqual(first);
      expect(await s.store.shadow.getPolicy()).toEqual(first);
      const second = { source: 'rules: [ ]\n', hash: '2'.repeat(64), set_by: null, set_at: nextTime() };
      expect(await s.store.shadow.setPolicy(second)).toEqual(second);
      expect(await s.store.shadow.getPolicy()).toEqual(second);
      expect(await s.store.shadow.policyHead()).toEqual({ hash: second.hash, set_at: second.set_at });
      expect(await s.store.shadow.clearPolicy(first.hash)).toBe(false);
      expect(await s.store.shadow.getPolicy()).toEqual(second);
      expect(await s.store.shadow.clearPolicy(second.hash)).toBe(true);
      expect(await s.store.shadow.clearPolicy()).toBe(false);
      expect(await s.store.shadow.getPolicy()).toBeNull();
      // Set again after a clear: a new period, from the new set_at.
      const again = { ...first, set_by: 'bob', set_at: nextTime() };
      expect(await s.store.shadow.setPolicy(again)).toEqual(again);
      expect(await s.store.shadow.policyHead()).toEqual({ hash: first.hash, set_at: again.set_at });
    });

    if (s.capabilities.durable) {
      it('keeps disagreements and the shadow policy across a reopen', async () => {
        await s.fresh();
        const recorded = await createWithShadow();
        const policy = { source: 'rules: []\n', hash: '3'.repeat(64), set_by: 'alice', set_at: nextTime() };
        await s.store.shadow.setPolicy(policy);
        if (!s.opened?.reopen) throw new Error(`${s.name} is durable but gives no reopen()`);
        s.store = await s.opened.reopen();
        expect(await s.store.shadow.forActions([recorded.action_id])).toEqual([recorded]);
        expect(await s.store.shadow.getPolicy()).toEqual(policy);
      });
    }
  });
}
