import type { ShadowReport } from '@faramesh/contract';
import type { Store } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import type { ShadowPolicy } from './shadow-policy.js';
import { buildShadowReport } from './shadow-report.js';
import { reportPeriod, reportSince } from './shadow-window.js';

export interface ShadowReportQuery {
  since?: string | undefined;
  policy_hash?: string | undefined;
  examples?: number | undefined;
}

/** Most group rows read for one report: (shadow rules + 1) × 3 decisions × active policies seen. */
const MAX_GROUPS = 5000;

/** Where `since` came from, for the path of a validation error: the report's query or promote's body. */
export type SinceSource = 'querystring' | 'body';

/**
 * What a shadow policy (the current one unless `policy_hash` names another) would have changed
 * since `since` (default 24h), counted over the period it was evaluated in (`reportPeriod`): read
 * grouped from the store, assembled by the pure report builder.
 */
export async function shadowReport(
  store: Store,
  shadow: ShadowPolicy,
  query: ShadowReportQuery,
  now: Date,
  sinceFrom: SinceSource = 'querystring',
): Promise<ShadowReport> {
  const current = shadow.status();
  const policyHash = query.policy_hash ?? current.hash;
  if (policyHash === null) {
    throw new ApiError('shadow_policy_not_set', 'no shadow policy is set; set one, or name one with policy_hash');
  }
  const requested = reportSince(query.since ?? '24h', now);
  if ('problem' in requested) {
    const path = `${sinceFrom}.since`;
    throw new ApiError('validation_failed', `invalid ${sinceFrom}: ${path}: ${requested.problem}`, [
      { path, message: requested.problem },
    ]);
  }
  // Only the loaded shadow policy's period is known (set_at); another one's counts the whole window.
  const period = reportPeriod(requested.since, policyHash === current.hash ? current.set_at : null, now);
  const examples = query.examples ?? 5;
  const rows = await store.shadow.summarize({ policy_hash: policyHash, ...period, examples, max_groups: MAX_GROUPS });
  return buildShadowReport(rows, { policyHash, ...period, examples });
}
