import type { Role } from '@faramesh/contract';

/** What each role may do (PRODUCT.md, "Separation of duties"). */
export type Permission =
  | 'action:submit'
  | 'action:read_all'
  | 'action:read_own'
  | 'action:execute'
  | 'action:decide'
  | 'action:see_approval_token'
  | 'policy:read'
  | 'policy:reload'
  | 'audit:checkpoint'
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
    'action:see_approval_token',
    'policy:read',
    'policy:reload',
    'audit:checkpoint',
    'playground',
  ]),
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}
