import type { JsonObject } from '@faramesh/contract';
import type { NewAction } from '@faramesh/store';
import { requestHash } from './request-hash.js';

/** What an administrative act the server records of itself asked for: tool `faramesh`, no context. */
export interface AdminRequest {
  agent_id: string;
  operation: string;
  params: JsonObject;
}

/**
 * The action an administrative act is recorded as (a shadow promotion, a grant change whose own
 * action was archived): allowed with `admin_action`, no rule, no approval, nothing executed; the
 * caller stamps the policy it was decided under.
 */
export function adminAction(fields: {
  id: string;
  request: AdminRequest;
  reason: string;
  risk_level: NewAction['risk_level'];
  submitted_by: string | null;
  created_at: string;
}): Omit<NewAction, 'policy_version' | 'policy_hash'> {
  const request = { ...fields.request, tool: 'faramesh', context: {} };
  return {
    id: fields.id,
    ...request,
    status: 'allowed',
    decision: 'allow',
    reason: fields.reason,
    reason_code: 'admin_action',
    risk_level: fields.risk_level,
    risk_rule: null,
    matched_rule: null,
    request_hash: requestHash(request),
    approval_token: null,
    approval_expires_at: null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: fields.submitted_by,
    idempotency_key: null,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: fields.created_at,
  };
}
