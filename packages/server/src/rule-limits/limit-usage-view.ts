import type { ActionInput, CompiledPolicy, Explanation } from '@faramesh/policy';
import { explain } from '@faramesh/policy';
import type { Store } from '@faramesh/store';
import { windowStart } from './limit-gate.js';

/**
 * `explain` with the live usage of the deciding rule's limit, read from the store (nothing is
 * written): what the policy would decide if the action were submitted now. `explain` and the
 * playground show it; submissions read usage inside their write transaction instead.
 */
export async function explainWithUsage(
  store: Store,
  policy: CompiledPolicy,
  action: ActionInput,
  now: Date,
): Promise<Explanation> {
  const first = explain(policy, action);
  const usage = await usageFor(store, first, now);
  return usage === null ? first : explain(policy, action, usage);
}

/** The usage map for an evaluation's limit at `now`, or null when it has no limit to count. */
export async function usageFor(
  store: Store,
  evaluation: { limit?: { key: string; per_ms: number } | null },
  now: Date,
): Promise<Map<string, number> | null> {
  const check = evaluation.limit;
  if (check === undefined || check === null || check.key === '') return null;
  const used = await store.limitUsage(check.key, windowStart(now.getTime(), check));
  return new Map([[check.key, used]]);
}
