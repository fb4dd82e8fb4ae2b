import { type PlaygroundEvalRequest, type PlaygroundResult, playgroundEvalSchema } from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import { can } from '../auth/permissions.js';
import { policyPrincipal } from '../auth/policy-principal.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { playgroundAction, playgroundResult } from '../playground/playground-evaluation.js';

/** `POST /playground/eval`: a decision with its full trace; nothing is stored, nothing is published. */
export function registerPlaygroundRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: PlaygroundEvalRequest }>(
    '/playground/eval',
    { schema: { body: playgroundEvalSchema, summary: 'Evaluate an action without storing it' } },
    async (request): Promise<PlaygroundResult> => {
      if (!can(request.principal.role, 'playground'))
        throw new ApiError('forbidden', `role "${request.principal.role}" may not use the playground`);
      const body = request.body;
      const action = playgroundAction(body, policyPrincipal(request.principal));
      if (body.policy === undefined) return playgroundResult(ctx.policy.current(), action);
      // A pasted policy is compiled on the playground's worker thread, bounded in size and time.
      const limit = ctx.config.limits.playgroundPolicyBytes;
      const bytes = Buffer.byteLength(body.policy, 'utf8');
      if (bytes > limit) {
        ctx.metrics.limitRejections.inc({ limit: 'policy_too_large' });
        throw new ApiError('policy_too_large', `the submitted policy is ${bytes} bytes; the limit is ${limit}`, {
          limit_bytes: limit,
          bytes,
        });
      }
      const outcome = await ctx.playground.evaluate(body.policy, action);
      if (!outcome.ok) {
        throw new ApiError(
          'policy_invalid',
          `the submitted policy is invalid (${outcome.diagnostics.length} problem(s))`,
          { diagnostics: outcome.diagnostics },
        );
      }
      return outcome.result;
    },
  );
}
