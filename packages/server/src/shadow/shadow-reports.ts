import type { ShadowReport } from '@faramesh/contract';
import type { Store } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import type { ShadowPolicy } from './shadow-policy.js';
import { buildShadowReport } from './shadow-report.js';
import { reportSince } from './shadow-window.js';

export interface ShadowReportQuery {
  since?: string | undefined;
  policy_hash?: string | undefined;
  examples?: number | undefined;
}

/** Most group rows read for one report: (shadow rules + 1) × 3 decisions × active policies seen. */
const MAX_GROUPS = 5000;

/**
 * What a shadow policy (the current one unless `policy_hash` names another) would have changed
 * since `since` (default 24h): read grouped from the store, assembled by the pure report builder.
 */
export async function shadowReport(
  store: Store,
  shadow: ShadowPolicy,
  query: ShadowReportQuery,
  now: Date,
): Promise<ShadowReport> {
  const current = shadow.status();
  const policyHash = query.policy_hash ?? current.hash;
  if (policyHash === null) {
    throw new ApiError('shadow_policy_not_set', 'no shadow policy is set; set one, or name one with policy_hash');
  }
  const window = reportSince(query.since ?? '24h', now);
  if ('problem' in window) {
    throw new ApiError('validation_failed', window.problem, [{ path: 'query.since', message: window.problem }]);
  }
  const until = now.toISOString();
  // The denominator counts submissions since the shadow policy was set, when that is later.
  const setAt = policyHash === current.hash ? current.set_at : null;
  const from = setAt !== null && setAt > window.since ? setAt : window.since;
  const [rows, submitted] = await Promise.all([
    store.shadow.summarize({
      policy_hash: policyHash,
      since: window.since,
      until,
      examples: query.examples ?? 5,
      max_groups: MAX_GROUPS,
    }),
    store.listActions({ filter: { since: from, until }, limit: 0 }),
  ]);
  return buildShadowReport(rows, {
    policyHash,
    since: window.since,
    until,
    submissions: submitted.total,
    examples: query.examples ?? 5,
  });
}
