import { type StreamQuery, streamEventName, streamQuerySchema } from '@faramesh/contract';
import type { EventRecord } from '@faramesh/store';
import type { FastifyInstance } from 'fastify';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { BASE_SECURITY_HEADERS } from '../http/security-headers.js';
import { actionToWire, eventToWire } from '../service/wire.js';
import { SseConnection } from '../stream/sse-connection.js';

/** Rendered `data:` JSON per event object; the hub hands every connection the same objects. */
const RENDERED = new WeakMap<EventRecord, string>();

const SEQ = /^[0-9]{1,15}$/;

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
      const render = (event: EventRecord): string => {
        // The frame depends only on the event, so each is serialized once however many clients
        // receive it (1,000 subscribers would otherwise mean 1,000 JSON.stringify calls per event).
        let frame = RENDERED.get(event);
        if (frame === undefined) {
          frame = JSON.stringify({
            type: streamEventName(event.event_type),
            action: actionToWire(event.action, frameReader),
            event: eventToWire(event),
          });
          RENDERED.set(event, frame);
        }
        return frame;
      };

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
        onClose: () => {
          ctx.streams.delete(connection);
          ctx.metrics.streamClients.dec();
        },
      });
      ctx.streams.add(connection);
      connection.start();
    },
  );
}
