import {
  type ApiToken,
  type CreatedToken,
  type CreateTokenRequest,
  createTokenSchema,
  type ListTokensQuery,
  listTokensQuerySchema,
  type TokenList,
} from '@faramesh/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';

const refParams = {
  type: 'object',
  required: ['ref'],
  properties: { ref: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;

function assertAdmin(request: FastifyRequest): void {
  if (!can(request.principal.role, 'token:manage')) {
    throw new ApiError('forbidden', `role "${request.principal.role}" may not manage tokens`);
  }
}

/** Database tokens (admin only). No answer ever carries a secret except the one that creates it. */
export function registerTokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: CreateTokenRequest }>(
    '/v1/tokens',
    { schema: { body: createTokenSchema, summary: 'Create a database token; its secret is shown this once (admin)' } },
    async (request, reply): Promise<CreatedToken> => {
      assertAdmin(request);
      const created = await ctx.tokens.create(request.body, request.principal.name);
      reply.code(201).header('cache-control', 'no-store');
      return created;
    },
  );

  app.get<{ Querystring: ListTokensQuery }>(
    '/v1/tokens',
    { schema: { querystring: listTokensQuerySchema, summary: 'Database tokens, oldest first (admin)' } },
    async (request): Promise<TokenList> => {
      assertAdmin(request);
      return ctx.tokens.list(request.query.limit ?? 100, request.query.after);
    },
  );

  app.get<{ Params: { ref: string } }>(
    '/v1/tokens/:ref',
    { schema: { params: refParams, summary: 'A database token by id, or by name when not revoked (admin)' } },
    async (request): Promise<ApiToken> => {
      assertAdmin(request);
      return ctx.tokens.toWire(await ctx.tokens.find(request.params.ref));
    },
  );

  app.post<{ Params: { ref: string } }>(
    '/v1/tokens/:ref/revoke',
    {
      schema: {
        params: refParams,
        body: emptyBody,
        summary: 'Revoke a database token by id or name; refused at once on every replica (admin)',
      },
    },
    async (request): Promise<ApiToken> => {
      assertAdmin(request);
      const token = await ctx.tokens.revoke(request.params.ref, request.principal.name);
      // What the person endorsed with it no longer stands: the live grants they helped make go too.
      await ctx.grants.revokeMadeBy(token.name, `the token of ${token.name} was revoked`, request.principal);
      return token;
    },
  );
}
