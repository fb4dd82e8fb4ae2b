import type { JsonObject } from '@faramesh/contract';
import type { GrantChange, GrantRecord, NewAction } from '@faramesh/store';
import { adminAction } from './admin-action.js';

/** The agent id of what the server records by itself (a sweep has no principal). */
const SERVER_AGENT = 'faramesh';

/**
 * The action that carries the ledger event of a change to a grant whose own action is gone. Archives
 * made before archiving kept the action of a grant that has not ended can hold such grants; their
 * revocation and expiry are still recorded, on this action instead: tool `faramesh`, operation
 * `grant.revoke` or `grant.expire`, params naming the grant and the archived action, written
 * `allowed` and ended in the same transaction as the change (`GrantService`).
 */
export function orphanGrantAction(
  id: string,
  grant: GrantRecord,
  change: Exclude<GrantChange, { kind: 'create' }>,
): { action: Omit<NewAction, 'policy_version' | 'policy_hash'>; created: JsonObject; decision: JsonObject } {
  const revoking = change.kind === 'revoke';
  const by = revoking ? change.by : null;
  const params: JsonObject = { grant_id: grant.id, grant_action_id: grant.action_id };
  const operation = revoking ? 'grant.revoke' : 'grant.expire';
  const reason = `${revoking ? `${by} revoked` : 'the expiry of'} standing grant ${grant.id.slice(0, 8)}, whose action ${grant.action_id.slice(0, 8)} was archived`;
  const action = adminAction({
    id,
    request: { agent_id: by ?? SERVER_AGENT, operation, params },
    reason,
    risk_level: 'low',
    submitted_by: by,
    created_at: change.at,
  });
  return {
    action,
    created: { agent_id: action.agent_id, tool: action.tool, operation: action.operation, submitted_by: by },
    decision: { decision: 'allow', reason, reason_code: 'admin_action', risk_level: 'low' },
  };
}
