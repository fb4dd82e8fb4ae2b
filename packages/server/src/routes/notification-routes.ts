import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 80 } },
} as const;
const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 63 } },
} as const;
const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { type: 'string', enum: ['queued', 'delivered', 'dead'] },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
  },
} as const;
const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;

function assertAdmin(request: FastifyRequest, doing: string): void {
  if (!can(request.principal.role, 'token:manage')) {
    throw new ApiError('forbidden', `role "${request.principal.role}" may not ${doing}`);
  }
}

/** Notification delivery state (approvers and admins) and the outbox's admin operations. */
export function registerNotificationRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>(
    '/v1/actions/:id/notifications',
    { schema: { params: idParams, summary: "An action's notifications and their delivery state (approver, admin)" } },
    async (request) => {
      if (!can(request.principal.role, 'action:decide')) {
        throw new ApiError('forbidden', `role "${request.principal.role}" may not see notifications`);
      }
      const action = await ctx.service.get(request.params.id, request.principal);
      return { items: await ctx.notifications.forAction(action.id) };
    },
  );

  app.get<{ Querystring: { state?: string; limit?: number } }>(
    '/v1/outbox',
    { schema: { querystring: listQuery, summary: 'Notifications, newest first, optionally by state (admin)' } },
    async (request) => {
      assertAdmin(request, 'list notifications');
      return { items: await ctx.notifications.list(request.query.state, request.query.limit ?? 50) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/outbox/:id/retry',
    { schema: { params: idParams, body: emptyBody, summary: 'Re-drive a dead notification (admin)' } },
    async (request) => {
      assertAdmin(request, 're-drive notifications');
      return ctx.notifications.retry(request.params.id);
    },
  );

  app.post<{ Params: { name: string } }>(
    '/v1/channels/:name/test',
    { schema: { params: nameParams, body: emptyBody, summary: 'Queue a test message to a channel (admin)' } },
    async (request, reply) => {
      assertAdmin(request, 'test channels');
      reply.code(202);
      return ctx.notifications.test(request.params.name, request.principal.name);
    },
  );
}
