import { isName, type JsonObject, type SubmitActionRequest } from '@faramesh/contract';
import { type ActionPrincipal, type CompiledPolicy, DEFAULT_REQUIREMENT, type Evaluation } from '@faramesh/policy';
import type { NewAction } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import { initialApprovalState } from './approval-state.js';
import type { HashedRequest } from './request-hash.js';

const STATUS_OF_DECISION = { allow: 'allowed', deny: 'denied', require_approval: 'pending_approval' } as const;

/** The normalized request: defaults filled in, agent_id taken from context when the body lacks it. */
export function normalizeRequest(request: SubmitActionRequest): HashedRequest {
  const params = request.params ?? {};
  const context = request.context ?? {};
  const agentId = request.agent_id ?? agentIdFromContext(context);
  return { agent_id: agentId, tool: request.tool, operation: request.operation, params, context };
}

export interface NewActionFacts {
  id: string;
  at: string;
  requestHash: string;
  submittedBy: string | null;
  idempotencyKey: string | null;
  /** Makes the approval token; called only when the decision is require_approval. */
  newApprovalToken: () => string;
  approvalTtlSeconds: number;
  /** The submitter is a shared identity (one token for everyone): it may decide its own action. */
  submitterShared: boolean;
}

/** The stored form of a freshly decided action. */
export function newAction(
  request: HashedRequest,
  verdict: Evaluation,
  policy: CompiledPolicy,
  facts: NewActionFacts,
): NewAction {
  const status = STATUS_OF_DECISION[verdict.decision];
  const pending = status === 'pending_approval';
  // The rule's requirement is stored with the action: later policy reloads never change it.
  const approval = pending
    ? initialApprovalState(
        verdict.approval ?? DEFAULT_REQUIREMENT,
        facts.at,
        facts.approvalTtlSeconds,
        facts.submitterShared,
      )
    : null;
  return {
    id: facts.id,
    ...request,
    status,
    decision: verdict.decision,
    reason: verdict.reason,
    reason_code: verdict.reason_code,
    risk_level: verdict.risk_level,
    risk_rule: verdict.risk_rule,
    matched_rule: verdict.matched_rule,
    policy_version: policy.version,
    policy_hash: policy.hash,
    request_hash: facts.requestHash,
    approval_token: pending ? facts.newApprovalToken() : null,
    approval_expires_at: approval?.expiresAt ?? null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: facts.submittedBy,
    idempotency_key: facts.idempotencyKey,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: facts.at,
    ...(approval !== null && { approval: approval.state }),
  };
}

/**
 * Meta of the two events every submission records: what was asked (and by which authenticated
 * principal, the trusted facts the policy saw), and what the policy decided.
 */
export function submissionMeta(
  action: NewAction,
  principal: ActionPrincipal,
): { created: JsonObject; decision_made: JsonObject } {
  return {
    created: {
      agent_id: action.agent_id,
      tool: action.tool,
      operation: action.operation,
      submitted_by: action.submitted_by,
      principal: { name: principal.name, role: principal.role, groups: [...principal.groups] },
      request_hash: action.request_hash,
    },
    decision_made: {
      decision: action.decision,
      reason: action.reason,
      reason_code: action.reason_code,
      risk_level: action.risk_level,
      risk_rule: action.risk_rule,
      matched_rule: action.matched_rule,
      policy_version: action.policy_version,
      policy_hash: action.policy_hash,
      ...(action.grant_id !== undefined && { grant_id: action.grant_id }),
    },
  };
}

function agentIdFromContext(context: JsonObject): string {
  const value = context.agent_id;
  if (isName(value)) return value;
  if (value === undefined) {
    throw new ApiError('validation_failed', 'agent_id is required (in the body, or as context.agent_id)', [
      { path: 'body.agent_id', message: 'required' },
    ]);
  }
  throw new ApiError(
    'validation_failed',
    'context.agent_id must be a name: 1-256 characters, not blank, no control characters',
    [{ path: 'body.context.agent_id', message: 'invalid name' }],
  );
}
