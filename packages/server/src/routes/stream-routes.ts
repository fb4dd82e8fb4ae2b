import { type StreamQuery, streamEventName, streamQuerySchema } from '@faramesh/contract';
import type { EventRecord } from '@faramesh/store';
import type { FastifyInstance } from 'fastify';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { BASE_SECURITY_HEADERS } from '../http/security-headers.js';
import { actionToWire, eventToWire } from '../service/wire.js';
import { SseConnection } from '../stream/sse-connection.js';
import { revalidateStream, streamCredentialCheck } from '../stream/stream-revalidation.js';

const SEQ = /^[0-9]{1,15}$/;

/** Estimated bytes of ring events, or JSON bytes of ledger events, per write to one client (at least one event). */
const SSE_BATCH_BYTES = 256 * 1024;

/** `GET /v1/events`: the ledger as Server-Sent Events, resumable with Last-Event-ID. */
export function registerStreamRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: StreamQuery & { last_event_id?: string } }>(
    '/v1/events',
    { schema: { querystring: streamQuerySchema, summary: 'Live ledger events (SSE)' } },
    async (request, reply) => {
      const principal = request.principal;
      const header = request.headers['last-event-id'];
      const resume = typeof header === 'string' && header !== '' ? header : request.query.last_event_id;
      if (resume !== undefined && !SEQ.test(resume)) {
        throw new ApiError('validation_failed', 'Last-Event-ID must be an event id (a non-negative integer)', [
          { path: 'header.last-event-id', message: 'invalid' },
        ]);
      }
      if (ctx.streams.size >= ctx.config.maxStreams) {
        throw new ApiError('rate_limited', `too many open event streams (${ctx.config.maxStreams}); retry later`, {
          max_streams: ctx.config.maxStreams,
        });
      }
      const lastSeq = resume === undefined ? await ctx.store.latestSeq() : Number(resume);
      const { status, agent_id, tool, action_id } = request.query;
      const ownOnly = !can(principal.role, 'action:read_all');
      const accept = (event: EventRecord): boolean =>
        (action_id === undefined || event.action_id === action_id) &&
        (agent_id === undefined || event.action.agent_id === agent_id) &&
        (tool === undefined || event.action.tool === tool) &&
        (status === undefined || event.action.status === status) &&
        (!ownOnly || event.action.submitted_by === principal.name);
      // Frames never carry approval tokens, whoever listens: render as the least privileged reader.
      const frameReader = { ...principal, role: 'agent' as const };
      // The frame depends only on the event: the hub caches it with the event (counted in its bytes),
      // so each is serialized once however many clients receive it.
      const render = (event: EventRecord): string =>
        JSON.stringify({
          type: streamEventName(event.event_type),
          action: actionToWire(event.action, frameReader),
          event: eventToWire(event),
        });

      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        ...BASE_SECURITY_HEADERS,
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      response.flushHeaders();
      ctx.metrics.streamClients.inc();
      const connection = new SseConnection({
        response,
        store: ctx.store,
        hub: ctx.hub,
        lastSeq,
        heartbeatMs: ctx.config.sseHeartbeatMs,
        named: request.query.format !== 'unnamed',
        accept,
        render,
        limits: {
          pageEvents: 500,
          pageBytes: SSE_BATCH_BYTES,
          batchBytes: SSE_BATCH_BYTES,
          maxUnsentBytes: ctx.config.limits.sseClientBufferBytes,
        },
        budget: ctx.sseBudget,
        onCutOff: (reason) => ctx.metrics.sseCutOffs.inc({ reason }),
        onClose: () => {
          stopRevalidating();
          ctx.streams.delete(connection);
          ctx.metrics.streamClients.dec();
        },
      });
      // A revoked or expired database token, or an ended session, keeps no stream open for longer than a heartbeat.
      const stopRevalidating = revalidateStream(
        streamCredentialCheck(ctx.auth, ctx.sessions, request.headers, principal),
        ctx.config.sseHeartbeatMs,
        () => connection.close(),
      );
      ctx.streams.add(connection);
      connection.start();
    },
  );
}
