import type { WhoAmI } from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';

/** The active policy, its reload, and who the caller is. */
export function registerPolicyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/policy', { schema: { summary: 'The active policy and the last reload error' } }, async (request) => {
    if (!can(request.principal.role, 'policy:read'))
      throw new ApiError('forbidden', `role "${request.principal.role}" may not read the policy`);
    return ctx.policy.status();
  });

  app.post('/v1/policy/reload', { schema: { summary: 'Re-read the policy file (admin)' } }, async (request) => {
    if (!can(request.principal.role, 'policy:reload')) {
      throw new ApiError('forbidden', `role "${request.principal.role}" may not reload the policy`);
    }
    const outcome = await ctx.reloadPolicy();
    const channels = outcome.channels?.status;
    if (!outcome.ok) {
      throw new ApiError('policy_invalid', `${outcome.message}\nthe previous policy stays active`, {
        diagnostics: outcome.diagnostics,
        active: outcome.status,
        ...(channels !== undefined && { channels }),
      });
    }
    if (outcome.channels?.ok === false) {
      throw new ApiError(
        'channels_invalid',
        `${outcome.channels.message}\nthe last good channels stay in use (the policy reloaded)`,
        { policy: { ...outcome.status, changed: outcome.changed }, channels },
      );
    }
    return { ...outcome.status, changed: outcome.changed, ...(channels !== undefined && { channels }) };
  });

  app.get(
    '/v1/auth/whoami',
    { schema: { summary: 'Who the caller is: name, role, groups and where the identity comes from' } },
    async (request): Promise<WhoAmI> => ({
      name: request.principal.name,
      role: request.principal.role,
      open_mode: request.principal.openMode,
      shared_identity: request.principal.shared === true,
      separation_of_duties: request.principal.shared !== true,
      groups: [...request.principal.groups],
      source: request.principal.source ?? (request.principal.openMode ? 'open' : 'env'),
      ...(request.principal.token !== undefined && {
        token_id: request.principal.token.id,
        expires_at: request.principal.token.expiresAt,
      }),
    }),
  );
}
