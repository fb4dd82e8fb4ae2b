import { randomUUID } from 'node:crypto';
import { createMemoryStore, createSqliteStore, type Store } from '@faramesh/store';
import type { FastifyInstance } from 'fastify';
import { Authenticator } from './auth/authenticator.js';
import type { ServerConfig } from './config/config.js';
import { seedDemoData } from './demo/demo-seed.js';
import { buildApp } from './http/app.js';
import type { AppContext } from './http/app-context.js';
import { Metrics } from './metrics/metrics.js';
import { PolicyHolder, type ReloadOutcome } from './policy/policy-holder.js';
import { watchPolicyFile } from './policy/policy-watcher.js';
import { ActionService } from './service/action-service.js';
import { EventHub } from './stream/event-hub.js';
import type { SseConnection } from './stream/sse-connection.js';

export interface ServerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface CreateServerOptions {
  /** Defaults to the backend of the config; tests pass a memory store. */
  store?: Store;
  now?: () => Date;
  logger?: ServerLogger;
  /** Seconds between expiry sweeps of pending approvals. */
  expirySweepSeconds?: number;
  /** Fastify/pino logger setting. */
  httpLogger?: boolean | Record<string, unknown>;
}

export interface FarameshServer {
  app: FastifyInstance;
  context: AppContext;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
}

const SILENT: ServerLogger = { info() {}, warn() {}, error() {} };

/**
 * Composes the server from its configuration: store (migrated), policy (must be valid), services,
 * HTTP app, hot reload and the expiry sweeper. Throws with a printable message when any of them
 * can't start; it never falls back to another database or to an empty policy.
 */
export async function createServer(config: ServerConfig, options: CreateServerOptions = {}): Promise<FarameshServer> {
  const log = options.logger ?? SILENT;
  const now = options.now ?? (() => new Date());
  const policy = await PolicyHolder.load(config.policyFile, now);
  const store = options.store ?? (await openStore(config));
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  const hub = new EventHub();
  const metrics = new Metrics();
  const service = new ActionService({
    store,
    policy,
    hub,
    metrics,
    now,
    newId: randomUUID,
    approvalTtlSeconds: config.approvalTtlSeconds,
  });
  const streams = new Set<SseConnection>();

  const reloadPolicy = async (): Promise<ReloadOutcome> => {
    const outcome = await policy.reload();
    metrics.policyReloads.inc({ result: outcome.ok ? 'ok' : 'invalid' });
    if (outcome.ok && outcome.changed)
      log.info(`policy reloaded: ${outcome.status.file} (version ${outcome.status.version})`);
    if (!outcome.ok) log.warn(`policy reload failed, keeping version ${outcome.status.version}:\n${outcome.message}`);
    return outcome;
  };

  const context: AppContext = {
    config,
    store,
    policy,
    service,
    hub,
    metrics,
    auth: new Authenticator(config.tokens),
    streams,
    reloadPolicy,
    now,
  };
  const app = buildApp(context, { logger: options.httpLogger ?? false });

  if (config.demo) {
    const seeded = await seedDemoData(service, store);
    if (seeded > 0) log.info(`demo mode: seeded ${seeded} demo actions`);
  }

  const watcher = config.hotReload ? watchPolicyFile(config.policyFile, () => void reloadPolicy()) : null;
  const sweepMs = (options.expirySweepSeconds ?? 1) * 1000;
  const sweeper = setInterval(() => {
    service.expireDue().catch((error: unknown) => log.error(`expiry sweep failed: ${(error as Error).message}`));
  }, sweepMs);
  sweeper.unref();

  let closed = false;
  return {
    app,
    context,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return { host: config.host, port, url: `http://${host}:${port}` };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      watcher?.close();
      for (const stream of streams) stream.close();
      await app.close();
      await store.close();
    },
  };
}

async function openStore(config: ServerConfig): Promise<Store> {
  if (config.dbBackend === 'postgres') {
    throw Object.assign(
      new Error(
        'FARA_DB_BACKEND=postgres: the PostgreSQL adapter is not part of this build yet; refusing to fall back to SQLite',
      ),
      { code: 'store_unavailable' },
    );
  }
  return createSqliteStore({ path: config.sqlitePath });
}

export { createMemoryStore };
