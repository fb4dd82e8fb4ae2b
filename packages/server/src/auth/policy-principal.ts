import type { ActionPrincipal } from '@faramesh/policy';
import type { Principal } from './authenticator.js';

/** The principal as policies see it: the trusted facts name, role and groups, nothing else. */
export function policyPrincipal(principal: Principal): ActionPrincipal {
  return { name: principal.name, role: principal.role, groups: principal.groups };
}
