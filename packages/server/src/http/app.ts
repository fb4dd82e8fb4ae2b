import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Principal } from '../auth/authenticator.js';
import { registerActionRoutes } from '../routes/action-routes.js';
import { registerArchiveRoutes } from '../routes/archive-routes.js';
import { registerAuditRoutes } from '../routes/audit-routes.js';
import { registerAuthRoutes } from '../routes/auth-routes.js';
import { registerBreakGlassRoutes } from '../routes/break-glass-routes.js';
import { registerEmailApprovalRoutes } from '../routes/email-approval-routes.js';
import { registerGrantRoutes } from '../routes/grant-routes.js';
import { registerHealthRoutes } from '../routes/health-routes.js';
import { registerLifecycleRoutes } from '../routes/lifecycle-routes.js';
import { registerNotificationRoutes } from '../routes/notification-routes.js';
import { registerPlaygroundRoutes } from '../routes/playground-routes.js';
import { registerPolicyRoutes } from '../routes/policy-routes.js';
import { registerShadowRoutes } from '../routes/shadow-routes.js';
import { registerSlackRoutes } from '../routes/slack-routes.js';
import { registerStreamRoutes } from '../routes/stream-routes.js';
import { registerTokenRoutes } from '../routes/token-routes.js';
import { registerUiRoutes } from '../routes/ui-routes.js';
import { ApiError } from './api-error.js';
import type { AppContext } from './app-context.js';
import { createHostCheck } from './host-guard.js';
import { parseJsonBody } from './json-body-parser.js';
import { OpenApiCollector } from './openapi.js';
import { isCrossSiteWrite } from './origin-guard.js';
import { checkQueryText } from './query-text.js';
import { BASE_SECURITY_HEADERS } from './security-headers.js';
import { toApiError } from './to-api-error.js';
import { createValidatorCompiler } from './validator.js';

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
    /** Left out of the OpenAPI document. */
    hide?: boolean;
    /** The success body's schema in the OpenAPI document's components (responses aren't validated). */
    produces?: 'Action' | 'ActionList' | 'ReviewList';
  }
  interface FastifyContextConfig {
    /** Reachable without a token (health, metrics, the dashboard's static files). */
    public?: boolean;
  }
}

const BEARER_REALM = 'Bearer realm="faramesh"';

export interface BuildAppOptions {
  /** Pass a pino logger config or false; the composition root decides. */
  logger?: boolean | Record<string, unknown>;
  version?: string;
}

/** The HTTP application, built from injected dependencies; no I/O happens until it listens. */
export function buildApp(ctx: AppContext, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: !ctx.config.logRequests }),
    bodyLimit: ctx.config.maxBodyBytes,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    // A URL the router can't decode (e.g. `%ed%a0%80` in the path) fails before any hook or error
    // handler runs; without this, Fastify answers in its own error format instead of the contract's.
    frameworkErrors: (error, _request, reply) => {
      const { apiError } = toApiError(error);
      ctx.metrics.errors.inc({ error_type: apiError.code });
      return (reply as FastifyReply).headers(BASE_SECURITY_HEADERS).code(apiError.status).send(apiError.toBody());
    },
  });
  const openapi = new OpenApiCollector();
  app.addHook('onRoute', (route) => openapi.collect(route));
  app.setValidatorCompiler(createValidatorCompiler());
  app.removeAllContentTypeParsers();
  const jsonParser = (_request: unknown, body: string | Buffer, done: (e: Error | null, v?: unknown) => void) => {
    try {
      done(null, parseJsonBody(body));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  // As bytes: decoding to a string would silently turn invalid UTF-8 into U+FFFD.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, jsonParser);
  app.addContentTypeParser(/^application\/[a-z0-9.+-]*\+json$/, { parseAs: 'buffer' }, jsonParser);
  app.decorateRequest('principal', null as never);

  const corsOrigins = ctx.config.enableCors ? ctx.config.corsOrigins : [];
  const hostCheck = createHostCheck(ctx.config);
  // Callback-style hooks, answering at once where they can: async hooks cost a promise and a
  // microtask round each on every request (see bench/RESULTS.md, issue 18 round 2).
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(BASE_SECURITY_HEADERS);
    // First, before CORS, auth or any route (the dashboard and SSE included): see host-guard.ts.
    if (hostCheck !== null && !hostCheck(request.headers.host)) {
      throw new ApiError('host_not_allowed', 'this server does not answer to that Host name', {
        host: request.headers.host?.slice(0, 256) ?? null,
        hint: 'add it to FARAMESH_ALLOWED_HOSTS (or set FARAMESH_PUBLIC_URL)',
      });
    }
    const origin = request.headers.origin;
    if (origin !== undefined && (corsOrigins.includes('*') || corsOrigins.includes(origin))) {
      reply.header('access-control-allow-origin', corsOrigins.includes('*') ? '*' : origin).header('vary', 'Origin');
      if (request.method === 'OPTIONS') {
        reply
          .code(204)
          .header('access-control-allow-methods', 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', 'authorization, content-type, idempotency-key, last-event-id')
          .header('access-control-max-age', '600')
          .send();
        return;
      }
    }
    if (isCrossSiteWrite(request.method, request.headers, corsOrigins, hostCheck)) {
      throw new ApiError('forbidden', 'cross-site request refused');
    }
    if (request.routeOptions.config.public === true) {
      done();
      return;
    }
    // A dashboard session cookie, when no bearer token is presented (a token always wins).
    if (ctx.sessions !== null && request.headers.authorization === undefined) {
      ctx.sessions.authenticate(request.method, request.headers).then((person) => {
        if (person === null) return authenticate(request, reply, done);
        request.principal = person;
        done();
      }, done);
      return;
    }
    authenticate(request, reply, done);
  });

  /** Bearer token (or open mode): sets the principal and calls `done`, at once when no source waits. */
  const authenticate = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void => {
    const admit = (principal: Principal | null): void => {
      if (principal === null) {
        reply.header('www-authenticate', BEARER_REALM);
        done(new ApiError('unauthorized', 'a valid bearer token is required (Authorization: Bearer <token>)'));
        return;
      }
      request.principal = principal;
      done();
    };
    const refuse = (error: unknown): void => {
      if (error instanceof ApiError && error.code === 'unauthorized') reply.header('www-authenticate', BEARER_REALM);
      done(error as Error);
    };
    let answer: Principal | null | Promise<Principal | null>;
    try {
      answer = ctx.auth.authenticateNow(request.headers);
    } catch (error) {
      refuse(error);
      return;
    }
    if (answer instanceof Promise) answer.then(admit, refuse);
    else admit(answer);
  };

  app.addHook('preValidation', (request, _reply, done) => {
    checkQueryText(request.url);
    done();
  });

  // After authentication: the limits depend on who is calling.
  ctx.requestLimits.register(app);

  app.addHook('onResponse', (request, reply, done) => {
    ctx.metrics.countRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const { apiError, unexpected } = toApiError(error);
    if (unexpected) request.log.error({ err: error }, 'request failed');
    ctx.metrics.errors.inc({ error_type: apiError.code });
    return reply.code(apiError.status).send(apiError.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    ctx.metrics.errors.inc({ error_type: error.code });
    return reply.code(404).send(error.toBody());
  });

  registerHealthRoutes(app, ctx);
  registerActionRoutes(app, ctx);
  registerLifecycleRoutes(app, ctx);
  registerBreakGlassRoutes(app, ctx);
  registerStreamRoutes(app, ctx);
  registerPolicyRoutes(app, ctx);
  registerShadowRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerArchiveRoutes(app, ctx);
  registerPlaygroundRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerGrantRoutes(app, ctx);
  registerNotificationRoutes(app, ctx);
  registerSlackRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerEmailApprovalRoutes(app, ctx);
  registerUiRoutes(app, ctx);
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    openapi.document(options.version ?? '0.1.0'),
  );
  return app;
}
