import type { Role } from '@faramesh/contract';

/** What each role may do (PRODUCT.md, "Separation of duties"). */
export type Permission =
  | 'action:submit'
  | 'action:read_all'
  | 'action:read_own'
  | 'action:execute'
  | 'action:decide'
  /** Cancel any action; everyone may cancel the actions they submitted. */
  | 'action:cancel_any'
  | 'action:see_approval_token'
  | 'policy:read'
  | 'policy:reload'
  | 'audit:checkpoint'
  /** Archive the oldest ledger into segment files and remove those rows (retention). */
  | 'audit:archive'
  | 'playground'
  /** Create, list and revoke database tokens. */
  | 'token:manage'
  /** List and read standing grants, and revoke them (revoking only ever narrows what is allowed). */
  | 'grant:read'
  | 'grant:revoke'
  /** Make standing grants that also cover high-risk calls. */
  | 'grant:high_risk';

/**
 * Agents get neither the policy nor the playground: they need decisions, not the rule book, and the
 * playground would let them probe the rules unrecorded. What an agent learns about the policy comes
 * from what it really submits (decision, reason, and the explain trace of its own actions), and
 * every such probe is in the ledger for people to see.
 */
const GRANTS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  agent: new Set(['action:submit', 'action:read_own', 'action:execute']),
  approver: new Set([
    'action:read_all',
    'action:decide',
    'action:see_approval_token',
    'policy:read',
    'playground',
    'grant:read',
    'grant:revoke',
  ]),
  admin: new Set([
    'action:submit',
    'action:read_all',
    'action:read_own',
    'action:execute',
    'action:decide',
    'action:cancel_any',
    'action:see_approval_token',
    'policy:read',
    'policy:reload',
    'audit:checkpoint',
    'audit:archive',
    'playground',
    'token:manage',
    'grant:read',
    'grant:revoke',
    'grant:high_risk',
  ]),
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}
