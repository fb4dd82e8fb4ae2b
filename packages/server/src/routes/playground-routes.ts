import { type PlaygroundEvalRequest, type PlaygroundResult, playgroundEvalSchema } from '@faramesh/contract';
import { type CompiledPolicy, explain, loadPolicy } from '@faramesh/policy';
import type { FastifyInstance } from 'fastify';
import { can } from '../auth/permissions.js';
import { policyPrincipal } from '../auth/policy-principal.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';

/** `POST /playground/eval`: a decision with its full trace; nothing is stored, nothing is published. */
export function registerPlaygroundRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: PlaygroundEvalRequest }>(
    '/playground/eval',
    { schema: { body: playgroundEvalSchema, summary: 'Evaluate an action without storing it' } },
    async (request) => {
      if (!can(request.principal.role, 'playground'))
        throw new ApiError('forbidden', `role "${request.principal.role}" may not use the playground`);
      const body = request.body;
      const policy = body.policy === undefined ? ctx.policy.current() : compileInline(body.policy);
      const context = body.context ?? {};
      const contextAgent = typeof context.agent_id === 'string' ? context.agent_id : undefined;
      const agentId = body.agent_id ?? contextAgent ?? 'playground';
      const explanation = explain(policy, {
        agent_id: agentId,
        tool: body.tool,
        operation: body.operation,
        params: body.params ?? {},
        context,
        // The caller's own identity: the playground answers "what would happen if I submitted this".
        principal: policyPrincipal(request.principal),
      });
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
      } satisfies PlaygroundResult;
    },
  );
}

function compileInline(source: string): CompiledPolicy {
  const loaded = loadPolicy(source, '<playground>');
  if (!loaded.ok) {
    throw new ApiError('policy_invalid', `the submitted policy is invalid (${loaded.diagnostics.length} problem(s))`, {
      diagnostics: loaded.diagnostics,
    });
  }
  return loaded.policy;
}
