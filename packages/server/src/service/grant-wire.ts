import type { Grant, GrantState } from '@faramesh/contract';
import type { GrantRecord } from '@faramesh/store';

/** A stored grant as the API shows it, with its state at `now`. */
export function grantToWire(grant: GrantRecord, now: Date): Grant {
  return {
    id: grant.id,
    action_id: grant.action_id,
    scope: grant.scope,
    high_risk: grant.high_risk,
    created_by: grant.creators.map((c) => ({ name: String(c.name), role: String(c.role ?? 'approver') })),
    created_at: grant.created_at,
    expires_at: grant.expires_at,
    max_uses: grant.max_uses,
    uses: grant.uses,
    last_used_at: grant.last_used_at,
    revoked_at: grant.revoked_at,
    revoked_by: grant.revoked_by,
    revoke_reason: grant.revoke_reason,
    state: stateOf(grant, now),
  };
}

function stateOf(grant: GrantRecord, now: Date): GrantState {
  if (grant.revoked_at !== null) return 'revoked';
  if (Date.parse(grant.expires_at) <= now.getTime()) return 'expired';
  if (grant.max_uses !== null && grant.uses >= grant.max_uses) return 'exhausted';
  return 'active';
}
