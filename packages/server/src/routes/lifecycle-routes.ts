import {
  type ApprovalRequest,
  approvalSchema,
  type CancelRequest,
  cancelSchema,
  type ResultRequest,
  resultSchema,
} from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/app-context.js';
import { actionToWire } from '../service/wire.js';

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** An empty object body, or none at all (`curl -X POST` sends nothing). */
const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;

/** Approval, execution reports, cancellation and replay: every state change of an existing action. */
export function registerLifecycleRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string }; Body: ApprovalRequest }>(
    '/v1/actions/:id/approval',
    { schema: { params: idParams, body: approvalSchema, summary: 'Approve or deny a pending action' } },
    async (request) =>
      actionToWire(
        await ctx.approvals.decide(request.params.id, request.body, request.principal),
        request.principal,
        ctx.now(),
      ),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/actions/:id/start',
    { schema: { params: idParams, body: emptyBody, summary: 'Record that execution began' } },
    async (request) =>
      actionToWire(await ctx.service.start(request.params.id, request.principal), request.principal, ctx.now()),
  );

  app.post<{ Params: { id: string }; Body: ResultRequest }>(
    '/v1/actions/:id/result',
    { schema: { params: idParams, body: resultSchema, summary: 'Record how execution ended' } },
    async (request) =>
      actionToWire(
        await ctx.service.result(request.params.id, request.body, request.principal),
        request.principal,
        ctx.now(),
      ),
  );

  app.post<{ Params: { id: string }; Body: CancelRequest | null }>(
    '/v1/actions/:id/cancel',
    {
      schema: {
        params: idParams,
        body: cancelSchema,
        summary: 'Withdraw an action that has not started (its submitter or an admin)',
      },
    },
    async (request) =>
      actionToWire(
        await ctx.service.cancel(request.params.id, request.body ?? null, request.principal),
        request.principal,
        ctx.now(),
      ),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/actions/:id/replay',
    { schema: { params: idParams, body: emptyBody, summary: 'Submit the same request again' } },
    async (request, reply) => {
      const record = await ctx.service.replay(request.params.id, request.principal);
      reply.header('location', `/v1/actions/${record.id}`);
      return reply.code(201).send(actionToWire(record, request.principal, ctx.now()));
    },
  );
}
