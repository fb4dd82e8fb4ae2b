import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/app-context.js';
import { ledgerReadiness } from './ledger-readiness.js';

/** Liveness, readiness and Prometheus metrics; public so probes and scrapers need no token. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/health', { config: { public: true }, schema: { summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get(
    '/ready',
    { config: { public: true }, schema: { summary: 'Readiness: database, policy and ledger consistency' } },
    async (_r, reply) => {
      let database: Record<string, unknown>;
      let databaseOk = true;
      try {
        await ctx.store.ping();
        database = { ok: true, ...(await ctx.store.info()) };
      } catch (error) {
        databaseOk = false;
        database = { ok: false, error: (error as Error).message };
      }
      const status = ctx.policy.status();
      const policy = {
        ok: true,
        file: status.file,
        version: status.version,
        hash: status.hash,
        rules: status.rules,
        loaded_at: status.loaded_at,
        last_reload_error: status.last_error?.message ?? null,
      };
      const ledger = ledgerReadiness(ctx);
      const ready = databaseOk && policy.ok && ledger.ok;
      return reply.code(ready ? 200 : 503).send({ ready, checks: { database, policy, ledger } });
    },
  );

  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}
