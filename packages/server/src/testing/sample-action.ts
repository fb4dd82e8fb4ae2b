import { randomUUID } from 'node:crypto';
import type { NewAction } from '@faramesh/store';

/** A stored-action fixture for tests that write to a store directly, bypassing the service. */
export function sampleAction(overrides: Partial<NewAction> = {}): NewAction {
  return {
    id: randomUUID(),
    agent_id: 'a',
    tool: 'http',
    operation: 'get',
    params: {},
    context: {},
    status: 'allowed',
    decision: 'allow',
    reason: null,
    reason_code: 'rule_allow',
    risk_level: 'low',
    risk_rule: null,
    matched_rule: null,
    policy_version: '1',
    policy_hash: 'h',
    request_hash: 'r',
    approval_token: null,
    approval_expires_at: null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: null,
    idempotency_key: null,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: new Date().toISOString(),
    ...overrides,
  };
}
