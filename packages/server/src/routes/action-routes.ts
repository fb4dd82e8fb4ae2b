import {
  type ExplainResponse,
  type ListActionsQuery,
  listActionsQuerySchema,
  type SubmitActionRequest,
  submitActionSchema,
} from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { explainWithUsage } from '../rule-limits/limit-usage-view.js';
import { listAwaiting } from '../service/awaiting-list.js';
import { recordedSubmitter } from '../service/recorded-submitter.js';
import { actionToWire, eventToWire } from '../service/wire.js';
import { withShadowVerdicts } from '../shadow/shadow-wire.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Submitting and reading actions. */
export function registerActionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: SubmitActionRequest }>(
    '/v1/actions',
    { schema: { body: submitActionSchema, summary: 'Submit an action for a decision', produces: 'Action' } },
    async (request, reply) => {
      if (!can(request.principal.role, 'action:submit')) {
        throw new ApiError('forbidden', `role "${request.principal.role}" may not submit actions`);
      }
      const key = request.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
        throw new ApiError('validation_failed', 'Idempotency-Key must be 1-200 visible ASCII characters', [
          { path: 'header.idempotency-key', message: 'invalid' },
        ]);
      }
      const { record, created } = await ctx.service.submit(request.body, request.principal, key ?? null);
      reply.header('location', `/v1/actions/${record.id}`);
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.code(created ? 201 : 200).send(actionToWire(record, request.principal, ctx.now()));
    },
  );

  app.get<{ Querystring: ListActionsQuery }>(
    '/v1/actions',
    { schema: { querystring: listActionsQuerySchema, summary: 'List actions, newest first', produces: 'ActionList' } },
    async (request) => {
      const page =
        request.query.awaiting === 'me'
          ? await listAwaiting(ctx.store, request.query, request.principal, ctx.now())
          : await ctx.service.list(request.query, request.principal);
      const items = page.items.map((record) => actionToWire(record, request.principal, ctx.now()));
      return { ...page, items: await withShadowVerdicts(ctx.store, request.principal, items) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/actions/:id',
    { schema: { params: idParams, summary: 'Get an action by id or unique id prefix', produces: 'Action' } },
    async (request) => {
      const action = actionToWire(
        await ctx.service.get(request.params.id, request.principal),
        request.principal,
        ctx.now(),
      );
      return (await withShadowVerdicts(ctx.store, request.principal, [action]))[0];
    },
  );

  app.get<{ Params: { id: string }; Querystring: { timeout_ms: number; after_version?: number } }>(
    '/v1/actions/:id/wait',
    {
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            timeout_ms: { type: 'integer', minimum: 0, maximum: 60_000, default: 30_000 },
            // Also answer once the action changed past this version (partial approvals, escalations).
            after_version: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
          },
        },
        summary: 'Long-poll until the action leaves pending_approval (or changes past after_version)',
      },
    },
    async (request) => {
      if (!ctx.waiters.tryEnter()) {
        ctx.metrics.limitRejections.inc({ limit: 'waiters' });
        throw new ApiError('rate_limited', `too many open long-polls (${ctx.waiters.max}); retry later`, {
          max_waiters: ctx.waiters.max,
        });
      }
      try {
        const abort = new AbortController();
        request.raw.on('close', () => abort.abort());
        const record = await ctx.service.waitForDecision(
          request.params.id,
          request.principal,
          request.query.timeout_ms,
          AbortSignal.any([abort.signal, ctx.shutdown]),
          request.query.after_version,
        );
        return actionToWire(record, request.principal, ctx.now());
      } finally {
        ctx.waiters.leave();
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/actions/:id/events',
    { schema: { params: idParams, summary: 'The ledger events of one action, in order' } },
    async (request) => (await ctx.service.events(request.params.id, request.principal)).map(eventToWire),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/actions/:id/explain',
    { schema: { params: idParams, summary: 'Full policy trace for an action under the current policy' } },
    async (request) => {
      const record = await ctx.service.get(request.params.id, request.principal);
      const policy = ctx.policy.current();
      // The policy sees who submitted (trusted facts), as it did when it decided.
      const principal = await recordedSubmitter(ctx.store, record.id);
      const action = principal === null ? record : { ...record, principal };
      // A limited rule is explained with its window's usage now (read only; nothing is written).
      const explanation = await explainWithUsage(ctx.store, policy, action, ctx.now());
      return {
        action: actionToWire(record, request.principal, ctx.now()),
        policy: { file: policy.file, version: policy.version, hash: policy.hash },
        decided_by_current_policy: record.policy_hash === policy.hash,
        explanation,
      } satisfies ExplainResponse;
    },
  );
}
