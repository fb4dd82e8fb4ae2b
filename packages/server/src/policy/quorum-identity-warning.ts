import type { CompiledPolicy } from '@faramesh/policy';
import type { Store } from '@faramesh/store';
import type { TokenSpec } from '../config/config.js';

/** Who may decide, as far as the server can tell: environment tokens, database tokens, sign-in. */
export interface DecidingIdentities {
  tokens: readonly TokenSpec[];
  /** Names of active approver and admin tokens in the database. */
  databaseDeciders: readonly string[];
  /** Single sign-on is configured: people the server can't count may sign in and decide. */
  sso: boolean;
}

/** Database tokens read for the warning; past this many, the warning is surely not needed. */
const DATABASE_TOKENS_READ = 1000;

/** The deciding identities the configuration and the database hold now. */
export async function decidingIdentities(
  tokens: readonly TokenSpec[],
  sso: boolean,
  store: Store,
  at: string,
): Promise<DecidingIdentities> {
  const records = await store.tokens.list({ limit: DATABASE_TOKENS_READ });
  const databaseDeciders = records
    .filter((token) => token.role === 'approver' || token.role === 'admin')
    .filter((token) => token.revoked_at === null && (token.expires_at === null || token.expires_at > at))
    .map((token) => token.name);
  return { tokens, databaseDeciders, sso };
}

/**
 * Warnings for rules whose `approvals` the configured identities can never reach: with one shared
 * token (or open mode) everyone is one identity, which counts once, so a rule asking for two
 * approvals leaves its actions to expire or be denied. Counts the identities that may decide
 * (approver and admin tokens from the environment and the database; open mode is one); with single
 * sign-on configured anyone may yet sign in, so nothing is counted. Identities change at runtime,
 * which is why this warns rather than refusing the policy.
 */
export function quorumIdentityWarnings(policy: CompiledPolicy, identities: DecidingIdentities): string[] {
  if (identities.sso) return [];
  const { tokens, databaseDeciders } = identities;
  const deciders = [
    ...tokens.filter((spec) => spec.role === 'approver' || spec.role === 'admin'),
    ...databaseDeciders.map((name) => ({ name, shared: false })),
  ];
  const open = tokens.length === 0 && databaseDeciders.length === 0;
  const count = open ? 1 : new Set(deciders.map((spec) => spec.name)).size;
  const who = open
    ? 'open mode: every caller is the one anonymous identity'
    : deciders.every((spec) => spec.shared === true)
      ? `only shared identities may decide (${deciders.map((spec) => spec.name).join(', ') || 'none'}; each counts once)`
      : `${count} ${count === 1 ? 'identity' : 'identities'} may decide (${deciders.map((spec) => spec.name).join(', ')})`;
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
