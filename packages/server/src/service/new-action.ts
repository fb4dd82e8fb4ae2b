import { isName, type JsonObject, type SubmitActionRequest } from '@faramesh/contract';
import { type ActionPrincipal, type CompiledPolicy, DEFAULT_REQUIREMENT, type Evaluation } from '@faramesh/policy';
import type { GrantRecord, NewAction } from '@faramesh/store';
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
  const action = storedAction(request, verdict, policy, facts, {
    status,
    decision: verdict.decision,
    reason: verdict.reason,
    reason_code: verdict.reason_code,
    approval_token: pending ? facts.newApprovalToken() : null,
    approval_expires_at: approval?.expiresAt ?? null,
  });
  if (approval !== null) action.approval = approval.state;
  return action;
}

/**
 * The stored form of a call a standing grant allows instead of sending it to approval: `allowed`
 * with reason_code `grant`, the grant's id, and a reason naming the grant and the policy's own
 * reason (the risk and matched rule stay the policy's). No approval state and no token: nobody
 * decides it. Built like newAction's, so V8 gives both the same layout up to `grant_id` (a
 * rest-and-spread copy of a pending action was the slow path on every granted call).
 */
export function grantedAction(
  request: HashedRequest,
  verdict: Evaluation,
  policy: CompiledPolicy,
  facts: NewActionFacts,
  grant: Pick<GrantRecord, 'id' | 'creators'>,
): NewAction {
  const makers = grant.creators.map((c) => String(c.name)).join(', ');
  const policyReason = verdict.reason === null ? '' : ` (policy: ${verdict.reason})`;
  const action = storedAction(request, verdict, policy, facts, {
    status: 'allowed',
    decision: 'allow',
    reason: `Allowed by standing grant ${grant.id.slice(0, 8)} from ${makers}${policyReason}`,
    reason_code: 'grant',
    approval_token: null,
    approval_expires_at: null,
  });
  action.grant_id = grant.id;
  return action;
}

/** What an action's decision sets: everything else comes from the request, the verdict and the facts. */
type Outcome = Pick<
  NewAction,
  'status' | 'decision' | 'reason' | 'reason_code' | 'approval_token' | 'approval_expires_at'
>;

/** Every field written out in one literal of one fixed order (V8 keeps such objects in fast layouts). */
function storedAction(
  request: HashedRequest,
  verdict: Evaluation,
  policy: CompiledPolicy,
  facts: NewActionFacts,
  outcome: Outcome,
): NewAction {
  return {
    id: facts.id,
    agent_id: request.agent_id,
    tool: request.tool,
    operation: request.operation,
    params: request.params,
    context: request.context,
    status: outcome.status,
    decision: outcome.decision,
    reason: outcome.reason,
    reason_code: outcome.reason_code,
    risk_level: verdict.risk_level,
    risk_rule: verdict.risk_rule,
    matched_rule: verdict.matched_rule,
    policy_version: policy.version,
    policy_hash: policy.hash,
    request_hash: facts.requestHash,
    approval_token: outcome.approval_token,
    approval_expires_at: outcome.approval_expires_at,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: facts.submittedBy,
    idempotency_key: facts.idempotencyKey,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: facts.at,
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

/**
 * The agent ids a request names: its `agent_id`, and `context.agent_id` when that says another one
 * (policies and limits can read context, so a token's binding covers both).
 */
export function claimedAgentIds(request: HashedRequest): string[] {
  const inContext = request.context.agent_id;
  if (inContext === undefined || inContext === request.agent_id) return [request.agent_id];
  return [request.agent_id, agentIdFromContext(request.context)];
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
