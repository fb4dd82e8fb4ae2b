import type { ShadowDisagreementKind } from '@faramesh/contract';
import { type Evaluation, limitReadsRedacted } from '@faramesh/policy';
import type { ShadowDisagreementRecord, ShadowRuleRef } from '@faramesh/store';

/** What counts as a disagreement: a different decision only, or also a different deciding rule. */
export type ShadowCompareMode = 'decision' | 'rule';

/** The active side of a comparison: what the stored action says the active policy decided. */
export interface ActiveVerdict {
  id: string;
  created_at: string;
  decision: string;
  matched_rule: ShadowRuleRef | null;
  policy_hash: string;
}

/**
 * How the shadow policy's verdict differs from the active one, or null when they agree. Rules of
 * two policies are compared by description (positions shift when a rule is added above), and by
 * position only when neither has a description.
 */
export function disagreementKind(
  active: Pick<ActiveVerdict, 'decision' | 'matched_rule'>,
  shadow: Pick<Evaluation, 'decision' | 'matched_rule'>,
  mode: ShadowCompareMode,
): ShadowDisagreementKind | null {
  if (active.decision !== shadow.decision) return 'decision';
  if (mode === 'rule' && !sameRule(active.matched_rule, shadow.matched_rule)) return 'rule';
  return null;
}

function sameRule(a: ShadowRuleRef | null, b: ShadowRuleRef | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.description === null && b.description === null) return a.index === b.index;
  return a.description === b.description;
}

/**
 * The disagreement to store with the action, or undefined when the two policies agree. `redacted`:
 * the paths the action is stored without (the shadow's reason must not say their values).
 */
export function shadowDisagreement(
  active: ActiveVerdict,
  shadow: Evaluation,
  shadowPolicyHash: string,
  mode: ShadowCompareMode,
  redacted: readonly string[] = [],
): ShadowDisagreementRecord | undefined {
  const kind = disagreementKind(active, shadow, mode);
  if (kind === null) return undefined;
  return {
    action_id: active.id,
    created_at: active.created_at,
    kind,
    active_decision: active.decision,
    active_rule: active.matched_rule,
    active_policy_hash: active.policy_hash,
    shadow_decision: shadow.decision,
    shadow_rule: shadow.matched_rule,
    shadow_reason: storedReason(shadow, redacted),
    shadow_reason_code: shadow.reason_code,
    shadow_risk_level: shadow.risk_level,
    shadow_policy_hash: shadowPolicyHash,
  };
}

/**
 * The shadow's reason as stored. A candidate's limit may sum or bucket by a value the active policy
 * redacts (the active policy can't: that is a load error), and its over-limit reason says the
 * usage and this call's amount: then only the limit is named.
 */
function storedReason(shadow: Evaluation, redacted: readonly string[]): string | null {
  const { limit } = shadow;
  if (shadow.reason_code !== 'limit_reached' || limit === null || redacted.length === 0) return shadow.reason;
  if (limitReadsRedacted(limit, redacted) === null) return shadow.reason;
  return `${limit.text} reached (the usage isn't shown: the limit reads a redacted value)`;
}
