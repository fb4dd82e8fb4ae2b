import { type PlaygroundEvalRequest, type PlaygroundResult, playgroundEvalSchema } from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import { can } from '../auth/permissions.js';
import { policyPrincipal } from '../auth/policy-principal.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { playgroundAction, resultOf } from '../playground/playground-evaluation.js';
import { explainWithUsage, usageFor } from '../rule-limits/limit-usage-view.js';

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
      // Limits show the live usage of their window (read only): what submitting now would meet.
      if (body.policy === undefined) {
        const policy = ctx.policy.current();
        return resultOf(policy, await explainWithUsage(ctx.store, policy, action, ctx.now()));
      }
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
      const first = await ctx.playground.evaluate(body.policy, action);
      const usage = first.ok ? await usageFor(ctx.store, first.result.explanation, ctx.now()) : null;
      const outcome = usage === null ? first : await ctx.playground.evaluate(body.policy, action, [...usage]);
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
