import { compileGlob } from '@faramesh/policy';
import type { TokenSpec } from '../config/config.js';
import { ApiError } from '../http/api-error.js';
import type { Principal } from './authenticator.js';

/**
 * The agent-id globs a token may submit as. Agent tokens default to their own name and `name/*`
 * (token names can't contain `*` or `/`, so nobody else can claim that namespace); admins may act
 * as any agent; approvers never submit.
 */
export function agentIdsOf(spec: Pick<TokenSpec, 'name' | 'role' | 'agentIds'>): string[] {
  if (spec.agentIds !== undefined) return spec.agentIds;
  if (spec.role === 'admin') return ['*'];
  if (spec.role === 'agent') return [spec.name, `${spec.name}/*`];
  return [];
}

/** True when the principal may submit actions under `agentId`. */
export function mayActAs(principal: Pick<Principal, 'agentIds'>, agentId: string): boolean {
  return principal.agentIds.some((glob) => compileGlob(glob)(agentId));
}

/** Refuses a submission under an agent id the principal isn't bound to (403 agent_id_not_allowed). */
export function assertMayActAs(principal: Principal, agentId: string): void {
  if (mayActAs(principal, agentId)) return;
  throw new ApiError(
    'agent_id_not_allowed',
    `"${principal.name}" may not submit as agent_id "${agentId}" (see FARAMESH_AGENT_BINDINGS)`,
    { agent_id: agentId, allowed: principal.agentIds },
  );
}
