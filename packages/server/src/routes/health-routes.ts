import type { Readiness as ReadinessBody } from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/app-context.js';

/** Liveness, readiness and Prometheus metrics; public so probes and scrapers need no token. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/health', { config: { public: true }, schema: { summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get(
    '/ready',
    { config: { public: true }, schema: { summary: 'Readiness: the database is writable and a policy is loaded' } },
    async (request, reply) => {
      const report = await ctx.readiness.report();
      const body: ReadinessBody = {
        ready: report.ready,
        status: report.ready ? 'ready' : 'unready',
        reasons: report.checks.flatMap((check) => (check.ok || check.reason === undefined ? [] : [check.reason])),
      };
      // Paths, backends and errors are for admins only; a wrong token (or a database that can't look
      // one up) still gets the public answer.
      const caller = await ctx.auth.authenticate(request.headers).catch(() => null);
      if (caller?.role === 'admin') {
        body.checks = Object.fromEntries(
          report.checks.map(({ name, ok, reason, details }) => [name, { ok, ...(reason && { reason }), ...details }]),
        );
        body.checked_at = report.checked_at;
      }
      return reply.code(report.ready ? 200 : 503).send(body);
    },
  );

  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}
