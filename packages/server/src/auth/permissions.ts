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
  | 'playground';

const GRANTS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  agent: new Set(['action:submit', 'action:read_own', 'action:execute', 'policy:read', 'playground']),
  approver: new Set(['action:read_all', 'action:decide', 'action:see_approval_token', 'policy:read', 'playground']),
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
    'playground',
  ]),
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}
