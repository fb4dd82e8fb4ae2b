import {
  type AcknowledgeReviewRequest,
  acknowledgeReviewSchema,
  type BreakGlassRequest,
  breakGlassSchema,
  type ListReviewsQuery,
  listReviewsQuerySchema,
} from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/app-context.js';
import { reviewWire } from '../service/break-glass-wire.js';
import { actionToWire } from '../service/wire.js';
import { idParams } from './lifecycle-routes.js';

/** Break-glass approvals (admins) and their mandatory reviews (another approver acknowledges). */
export function registerBreakGlassRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string }; Body: BreakGlassRequest }>(
    '/v1/actions/:id/break-glass',
    {
      schema: {
        params: idParams,
        body: breakGlassSchema,
        summary: 'Force-approve a pending action past its approvers and quorum (admins, with a reason); opens a review',
        produces: 'Action',
      },
    },
    async (request) =>
      actionToWire(
        await ctx.breakGlass.breakGlass(request.params.id, request.body, request.principal),
        request.principal,
        ctx.now(),
      ),
  );

  app.get<{ Querystring: ListReviewsQuery }>(
    '/v1/reviews',
    {
      schema: {
        querystring: listReviewsQuerySchema,
        summary: 'Break-glass approvals to review, newest first (open ones by default)',
        produces: 'ReviewList',
      },
    },
    async (request) => {
      const { status = 'open', limit = 100 } = request.query;
      const records = await ctx.breakGlass.list(status === 'all' ? null : status, limit, request.principal);
      const now = ctx.now();
      return { items: records.map((record) => reviewWire(actionToWire(record, request.principal, now))) };
    },
  );

  app.post<{ Params: { id: string }; Body: AcknowledgeReviewRequest | null }>(
    '/v1/reviews/:id/acknowledge',
    {
      schema: {
        params: idParams,
        body: acknowledgeReviewSchema,
        summary: 'Acknowledge the review of a break-glass approval (another approver than who broke it)',
        produces: 'Action',
      },
    },
    async (request) =>
      actionToWire(
        await ctx.breakGlass.acknowledge(request.params.id, request.body ?? null, request.principal),
        request.principal,
        ctx.now(),
      ),
  );
}
