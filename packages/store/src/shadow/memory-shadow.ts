import {
  ruleText,
  type ShadowDisagreementRecord,
  type ShadowExampleRow,
  type ShadowGroupRow,
  type ShadowPolicyRecord,
  type ShadowStore,
} from './shadow-store.js';

/** The in-memory shadow store; `insert` is called by the memory store inside an action's write. */
export interface MemoryShadow extends ShadowStore {
  insert(record: ShadowDisagreementRecord): void;
}

/** `countActions`: the actions created in [since, until), the report's denominator. */
export function createMemoryShadow(
  open: () => void,
  countActions: (since: string, until: string) => number,
): MemoryShadow {
  const rows = new Map<string, ShadowDisagreementRecord>();
  let policy: ShadowPolicyRecord | null = null;
  return {
    insert(record) {
      rows.set(record.action_id, structuredClone(record));
    },

    async getPolicy() {
      open();
      return policy === null ? null : { ...policy };
    },

    async policyHead() {
      open();
      return policy === null ? null : { hash: policy.hash, set_at: policy.set_at };
    },

    async setPolicy(record) {
      open();
      // The same policy set again keeps when (and by whom) it was first set.
      const kept = policy?.hash === record.hash ? { set_by: policy.set_by, set_at: policy.set_at } : {};
      policy = { ...record, ...kept };
      return { ...policy };
    },

    async clearPolicy(hash) {
      open();
      if (policy === null || (hash !== undefined && policy.hash !== hash)) return false;
      policy = null;
      return true;
    },

    async forActions(actionIds) {
      open();
      return actionIds.flatMap((id) => {
        const row = rows.get(id);
        return row === undefined ? [] : [structuredClone(row)];
      });
    },

    async summarize(input) {
      open();
      const inWindow = [...rows.values()].filter(
        (r) => r.shadow_policy_hash === input.policy_hash && r.created_at >= input.since && r.created_at < input.until,
      );
      const groups = new Map<string, ShadowGroupRow>();
      for (const r of inWindow) {
        const key = JSON.stringify([
          r.active_decision,
          r.shadow_decision,
          ruleText(r.shadow_rule),
          r.active_policy_hash,
        ]);
        const group = groups.get(key);
        if (group !== undefined) group.count += 1;
        else {
          groups.set(key, {
            active_decision: r.active_decision,
            shadow_decision: r.shadow_decision,
            shadow_rule: r.shadow_rule === null ? null : { ...r.shadow_rule },
            active_policy_hash: r.active_policy_hash,
            count: 1,
          });
        }
      }
      const newest = inWindow.sort((a, b) =>
        a.created_at === b.created_at
          ? b.action_id.localeCompare(a.action_id)
          : b.created_at.localeCompare(a.created_at),
      );
      const perGroup = new Map<string, number>();
      const examples: ShadowExampleRow[] = [];
      for (const r of newest) {
        const key = JSON.stringify([r.active_decision, r.shadow_decision, ruleText(r.shadow_rule)]);
        const taken = perGroup.get(key) ?? 0;
        if (taken >= input.examples || examples.length >= input.examples * input.max_groups) continue;
        perGroup.set(key, taken + 1);
        const { action_id, created_at, active_decision, shadow_decision, shadow_rule } = r;
        examples.push({ action_id, created_at, active_decision, shadow_decision, shadow_rule });
      }
      return {
        submissions: countActions(input.since, input.until),
        groups: [...groups.values()].sort((a, b) => b.count - a.count).slice(0, input.max_groups),
        examples,
      };
    },
  };
}
