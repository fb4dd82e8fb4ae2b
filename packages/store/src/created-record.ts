import type { ActionRecord, NewAction } from './store.js';

/**
 * The record a fresh action is stored as: version 1, updated when created. One literal naming every
 * field: `Object.assign({}, action, …)` (~3 µs) made a dictionary-mode object in Node 20's V8 (30
 * properties added one by one to `{}`), slow for everything that reads it afterwards (the snapshot's
 * canonical JSON, the wire answer, the event hub's sizing, JSON.stringify); a spread with added
 * fields makes a fast object but took ~8 µs. This takes ~0.1 µs.
 */
export function createdRecord(action: NewAction): ActionRecord {
  const record: ActionRecord = {
    id: action.id,
    agent_id: action.agent_id,
    tool: action.tool,
    operation: action.operation,
    params: action.params,
    context: action.context,
    status: action.status,
    decision: action.decision,
    reason: action.reason,
    reason_code: action.reason_code,
    risk_level: action.risk_level,
    risk_rule: action.risk_rule,
    matched_rule: action.matched_rule,
    policy_version: action.policy_version,
    policy_hash: action.policy_hash,
    request_hash: action.request_hash,
    approval_token: action.approval_token,
    approval_expires_at: action.approval_expires_at,
    approval_decided_by: action.approval_decided_by,
    approval_decided_at: action.approval_decided_at,
    approval_reason: action.approval_reason,
    submitted_by: action.submitted_by,
    idempotency_key: action.idempotency_key,
    started_at: action.started_at,
    finished_at: action.finished_at,
    result_error: action.result_error,
    created_at: action.created_at,
    updated_at: action.created_at,
    version: 1,
  };
  if (action.approval !== undefined) record.approval = action.approval;
  if (action.grant_id !== undefined) record.grant_id = action.grant_id;
  return record;
}
