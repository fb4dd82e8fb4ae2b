import type { FastifyInstance } from 'fastify';
import { auditLedger, ledgerPages } from '../audit/ledger-audit.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { BASE_SECURITY_HEADERS } from '../http/security-headers.js';
import { ledgerPageEvents } from '../limits/ledger-page.js';
import { actionToWire, eventToWire } from '../service/wire.js';

/** The verifiable ledger: full verification, checkpoints on demand, and an export as JSON lines. */
export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/v1/audit/verify',
    {
      schema: {
        summary: 'Verify the whole ledger: hash chain, action rows against their history, high-water mark, checkpoints',
      },
    },
    async (request) => {
      if (!can(request.principal.role, 'action:read_all')) throw new ApiError('forbidden', 'may not audit the ledger');
      const { key, checkpointFile } = ctx.ledger.config;
      return auditLedger(ctx.store, { key, checkpointFile, pageEvents: ledgerPageEvents(ctx.config.maxBodyBytes) });
    },
  );

  app.post(
    '/v1/audit/checkpoints',
    { schema: { summary: 'Verify the ledger up to its head and record a (signed) checkpoint of it (admin)' } },
    async (request, reply) => {
      if (!can(request.principal.role, 'audit:checkpoint'))
        throw new ApiError('forbidden', 'may not checkpoint the ledger');
      const { id: _id, ...checkpoint } = await ctx.ledger.checkpointer.checkpoint();
      return reply.code(201).send({ ...checkpoint, file: ctx.ledger.config.checkpointFile !== null });
    },
  );

  app.get<{ Querystring: { after: number } }>(
    '/v1/audit/export',
    {
      schema: {
        summary: 'The ledger as JSON lines (one event with its action snapshot per line)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 } },
        },
      },
    },
    async (request, reply) => {
      if (!can(request.principal.role, 'action:read_all')) throw new ApiError('forbidden', 'may not export the ledger');
      // Exports never carry approval tokens: render as the least privileged reader.
      const reader = { ...request.principal, role: 'agent' as const };
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        ...BASE_SECURITY_HEADERS,
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': 'attachment; filename="faramesh-ledger.jsonl"',
      });
      try {
        for await (const page of ledgerPages(
          ctx.store,
          request.query.after,
          ledgerPageEvents(ctx.config.maxBodyBytes),
        )) {
          const text = page
            .map(
              (event) => `${JSON.stringify({ ...eventToWire(event), action: actionToWire(event.action, reader) })}\n`,
            )
            .join('');
          if (!response.write(text)) await new Promise((resolve) => response.once('drain', resolve));
          if (response.destroyed) return;
        }
      } finally {
        response.end();
      }
    },
  );
}
