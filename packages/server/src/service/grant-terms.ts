import type { JsonObject } from '@faramesh/contract';
import { type GrantCreator, type GrantScope, type GrantTerms, validateGrantScope } from '@faramesh/policy';
import type { GrantRecord } from '@faramesh/store';

/**
 * What one approver asked for with their approval (`grant` in the approval body, validated), kept
 * in their decision on the action until the quorum completes. With a quorum, the grant is made only
 * if every approval that counts asked for the same scope and high_risk flag; time and uses are the
 * strictest any of them asked for.
 */
export interface GrantEndorsement {
  scope: GrantScope;
  ttl_seconds: number;
  max_uses: number | null;
  high_risk: boolean;
  by: GrantCreator & { role: string };
  /** When the credential the approver used expires (a database token's expiry); null: it doesn't. */
  until: string | null;
}

/** A stored creator list as the coverage rules read it; null when any entry can't be read. */
function creatorsOf(raw: readonly JsonObject[]): GrantCreator[] | null {
  const creators: GrantCreator[] = [];
  for (const entry of raw) {
    const { name, groups, may_grant_high_risk } = entry;
    if (typeof name !== 'string' || !Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) return null;
    creators.push({ name, groups, may_grant_high_risk: may_grant_high_risk === true });
  }
  return creators.length > 0 ? creators : null;
}

/**
 * The terms of a stored grant, read again at the edge like any stored data: a scope that no longer
 * validates or creators that can't be read make the grant cover nothing (damage never widens it).
 */
export function termsOf(grant: GrantRecord): GrantTerms | null {
  const scope = validateGrantScope(grant.scope);
  const creators = creatorsOf(grant.creators);
  if (!scope.ok || creators === null) return null;
  if (scope.scope.tool !== grant.tool || scope.scope.operation !== grant.operation) return null;
  return { scope: scope.scope, high_risk: grant.high_risk, creators };
}

/** A stored endorsement (in a decision record), or null when it can't be read. */
export function readEndorsement(raw: unknown): GrantEndorsement | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const value = raw as Record<string, unknown>;
  const scope = validateGrantScope(value.scope);
  const by = creatorsOf([value.by as JsonObject]);
  const ttl = value.ttl_seconds;
  const uses = value.max_uses;
  if (!scope.ok || by === null || typeof ttl !== 'number' || !(uses === null || typeof uses === 'number')) return null;
  const role = (value.by as JsonObject).role;
  const until = typeof value.until === 'string' && !Number.isNaN(Date.parse(value.until)) ? value.until : null;
  return {
    scope: scope.scope,
    ttl_seconds: ttl,
    max_uses: uses,
    high_risk: value.high_risk === true,
    by: { ...(by[0] as GrantCreator), role: typeof role === 'string' ? role : 'approver' },
    until,
  };
}
