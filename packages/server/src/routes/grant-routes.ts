import {
  type Grant,
  type GrantList,
  type GrantProposal,
  type ListGrantsQuery,
  listGrantsQuerySchema,
  type RevokeGrantRequest,
  revokeGrantSchema,
} from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/app-context.js';
import { grantToWire } from '../service/grant-wire.js';
import { idParams } from './lifecycle-routes.js';

/** Standing grants: list, read, revoke (approvers and admins). They are made by approvals. */
export function registerGrantRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: ListGrantsQuery }>(
    '/v1/grants',
    {
      schema: {
        querystring: listGrantsQuerySchema,
        summary: 'Standing grants, newest first: active ones (default) or all (approver, admin)',
      },
    },
    async (request): Promise<GrantList> => ctx.grants.list(request.query, request.principal),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/actions/:id/grant-proposal',
    {
      schema: {
        params: idParams,
        summary:
          'The grant scope offered for "also allow calls like this one"; tighten it before approving (approver, admin)',
      },
    },
    async (request): Promise<GrantProposal> => {
      const action = await ctx.service.get(request.params.id, request.principal);
      return ctx.grants.propose(action, request.principal);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/grants/:id',
    { schema: { params: idParams, summary: 'One standing grant (approver, admin)' } },
    async (request): Promise<Grant> =>
      grantToWire(await ctx.grants.get(request.params.id, request.principal), ctx.now()),
  );

  app.post<{ Params: { id: string }; Body: RevokeGrantRequest | null }>(
    '/v1/grants/:id/revoke',
    {
      schema: {
        params: idParams,
        body: revokeGrantSchema,
        summary: 'Revoke a standing grant now, on every replica; the first revocation stands (approver, admin)',
      },
    },
    async (request): Promise<Grant> =>
      grantToWire(
        await ctx.grants.revoke(request.params.id, request.body?.reason ?? null, request.principal),
        ctx.now(),
      ),
  );
}
