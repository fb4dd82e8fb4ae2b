import type { CompiledPolicy } from '@faramesh/policy';
import type { TokenSpec } from '../config/config.js';

/**
 * Warnings for rules whose `approvals` the configured identities can never reach: with one shared
 * token (or open mode) everyone is one identity, which counts once, so a rule asking for two
 * approvals leaves its actions to expire or be denied. Counts the identities from the environment
 * that may decide (approver and admin tokens; open mode is one); the policy can't know the runtime
 * identities, which is why this warns rather than refusing the policy.
 */
export function quorumIdentityWarnings(policy: CompiledPolicy, tokens: readonly TokenSpec[]): string[] {
  const deciders = tokens.filter((spec) => spec.role === 'approver' || spec.role === 'admin');
  const count = tokens.length === 0 ? 1 : deciders.length;
  const who =
    tokens.length === 0
      ? 'open mode: every caller is the one anonymous identity'
      : deciders.every((spec) => spec.shared === true)
        ? `only shared identities may decide (${deciders.map((spec) => spec.name).join(', ') || 'none'}; each counts once)`
        : `${count} identities may decide (${deciders.map((spec) => spec.name).join(', ')})`;
  const warnings: string[] = [];
  for (const rule of policy.rules) {
    const required = rule.approval?.approvals ?? 1;
    if (required <= count) continue;
    warnings.push(
      `policy rule #${rule.index + 1}${rule.name === null ? '' : ` (${rule.name})`} requires ${required} distinct approvals, but ${who}: its actions can only expire or be denied until more identities exist`,
    );
  }
  return warnings;
}
