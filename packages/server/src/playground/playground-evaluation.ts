import type { PlaygroundEvalRequest, PlaygroundResult } from '@faramesh/contract';
import {
  type ActionInput,
  type ActionPrincipal,
  type CompiledPolicy,
  type Diagnostic,
  type Explanation,
  explain,
  loadPolicy,
  type WindowUsage,
} from '@faramesh/policy';

/**
 * The action a playground request describes; agent_id falls back on context.agent_id, then
 * "playground". The principal is the caller's own: the playground answers "what would happen if I
 * submitted this".
 */
export function playgroundAction(body: PlaygroundEvalRequest, principal: ActionPrincipal): ActionInput {
  const context = body.context ?? {};
  const contextAgent = typeof context.agent_id === 'string' ? context.agent_id : undefined;
  return {
    agent_id: body.agent_id ?? contextAgent ?? 'playground',
    tool: body.tool,
    operation: body.operation,
    params: body.params ?? {},
    context,
    principal,
  };
}

/** A decision with its full trace under `policy`; nothing is stored. `usage`: of limits, by key. */
export function playgroundResult(policy: CompiledPolicy, action: ActionInput, usage?: WindowUsage): PlaygroundResult {
  return resultOf(policy, explain(policy, action, usage));
}

/** The playground's answer for an explanation computed under `policy`. */
export function resultOf(policy: CompiledPolicy, explanation: Explanation): PlaygroundResult {
  return {
    decision: explanation.decision,
    reason: explanation.reason,
    reason_code: explanation.reason_code,
    risk_level: explanation.risk_level,
    risk_rule: explanation.risk_rule,
    matched_rule: explanation.matched_rule,
    policy_version: policy.version,
    policy_hash: policy.hash,
    explanation,
  };
}

export type InlineOutcome = { ok: true; result: PlaygroundResult } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Compiles a pasted policy and evaluates `action` under it (run in the playground worker), with the
 * usage of limits given as `[key, used]` pairs (a Map doesn't cross the thread boundary as one).
 */
export function evaluateInline(
  source: string,
  action: ActionInput,
  usage: readonly (readonly [string, number])[] = [],
): InlineOutcome {
  const loaded = loadPolicy(source, '<playground>');
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
  return { ok: true, result: playgroundResult(loaded.policy, action, new Map(usage)) };
}
