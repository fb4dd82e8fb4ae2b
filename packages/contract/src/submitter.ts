import type { Role } from './action.js';

/** The authenticated principal that submitted an action, as its `created` ledger event records it. */
export interface Submitter {
  name: string;
  role: Role;
  groups: string[];
}

const ROLES: readonly string[] = ['agent', 'approver', 'admin'];

/**
 * Reads `meta.principal` of a `created` event. Null when it is missing or malformed (events written
 * before principals were recorded): policies then can't know who submitted, and `principal*`
 * conditions resolve to the stricter outcome.
 */
export function submitterOf(createdMeta: Record<string, unknown>): Submitter | null {
  const principal = createdMeta.principal;
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return null;
  const { name, role, groups } = principal as Record<string, unknown>;
  if (typeof name !== 'string' || typeof role !== 'string' || !ROLES.includes(role)) return null;
  if (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string')) return null;
  return { name, role: role as Role, groups: [...groups] };
}
