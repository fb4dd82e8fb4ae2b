import type { Action, Decision, RiskLevel, ShadowDisagreementKind, ShadowVerdict } from '@faramesh/contract';
import type { ShadowDisagreementRecord, Store } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';

/** A stored disagreement as the wire's `Action.shadow`. */
export function shadowVerdict(record: ShadowDisagreementRecord): ShadowVerdict {
  return {
    kind: record.kind as ShadowDisagreementKind,
    decision: record.shadow_decision as Decision,
    rule: record.shadow_rule,
    reason: record.shadow_reason,
    reason_code: record.shadow_reason_code,
    risk_level: record.shadow_risk_level as RiskLevel,
    policy_hash: record.shadow_policy_hash,
  };
}

/**
 * Adds `shadow` to the actions on which a shadow policy disagreed, for callers who may read the
 * policy (an agent never learns how a candidate policy would have treated it). One lookup per page.
 */
export async function withShadowVerdicts(store: Store, principal: Principal, actions: Action[]): Promise<Action[]> {
  if (actions.length === 0 || !can(principal.role, 'policy:read')) return actions;
  const found = await store.shadow.forActions(actions.map((action) => action.id));
  if (found.length === 0) return actions;
  const byId = new Map(found.map((record) => [record.action_id, record]));
  return actions.map((action) => {
    const record = byId.get(action.id);
    return record === undefined ? action : { ...action, shadow: shadowVerdict(record) };
  });
}
