import { randomUUID } from 'node:crypto';
import { limitKeyCacheBytes } from '@faramesh/policy';
import { createMemoryStore, type Store } from '@faramesh/store';
import type { FastifyInstance } from 'fastify';
import { refuseWritesWhenInconsistent } from './audit/guarded-store.js';
import { startLedgerIntegrity } from './audit/ledger-integrity.js';
import { Authenticator, OPEN_PRINCIPAL } from './auth/authenticator.js';
import { DatabaseTokenSource } from './auth/database-tokens.js';
import { EnvTokenSource } from './auth/env-tokens.js';
import { OidcLogin } from './auth/oidc-login.js';
import { SessionAuthenticator } from './auth/session-principal.js';
import { TokenAdmin } from './auth/token-admin.js';
import { TokenUseRecorder } from './auth/token-use-recorder.js';
import { startBackgroundSweeps } from './background-sweeps.js';
import type { ServerConfig } from './config/config.js';
import { checkOpenModeExposure } from './config/exposure-check.js';
import { seedDemoData } from './demo/demo-seed.js';
import { serverReadiness } from './health/server-readiness.js';
import { buildApp } from './http/app.js';
import type { AppContext } from './http/app-context.js';
import { drainConnections } from './http/connection-drain.js';
import { ByteBudget } from './limits/byte-budget.js';
import { ConcurrencyGate } from './limits/concurrency-gate.js';
import { RequestLimits } from './limits/request-limits.js';
import { Metrics } from './metrics/metrics.js';
import { channelNames, selfPointingWebhooks } from './notify/channels-config.js';
import { slackInteractions } from './notify/slack-setup.js';
import { startNotifications } from './notify/start-notifications.js';
import { openStore } from './open-store.js';
import { InlinePolicyEvaluator } from './playground/inline-policy-evaluator.js';
import { startHotReloadWatchers } from './policy/hot-reload-watchers.js';
import { PolicyHolder } from './policy/policy-holder.js';
import { policyReloader } from './policy/policy-reloader.js';
import { decidingIdentities, quorumIdentityWarnings } from './policy/quorum-identity-warning.js';
import { checkRedactionKeyId } from './redaction/key-id-check.js';
import { ActionService } from './service/action-service.js';
import { ApprovalService } from './service/approval-service.js';
import { BreakGlassService } from './service/break-glass-service.js';
import { EscalationSweeper } from './service/escalation-sweeper.js';
import { GrantLookup } from './service/grant-lookup.js';
import { GrantService } from './service/grant-service.js';
import { ShadowPolicy } from './shadow/shadow-policy.js';
import { ShadowPromoter } from './shadow/shadow-promotion.js';
import { EventHub } from './stream/event-hub.js';
import { followLedger } from './stream/ledger-follower.js';
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
  /** How long a /ready report is reused (default 1000 ms). */
  readinessCacheMs?: number;
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
  const loadOptions: { channels: ReadonlySet<string>; redactionKey: boolean } = {
    channels: new Set(channelNames(config.channels)),
    redactionKey: (config.redactionKey ?? null) !== null,
  };
  const policy = await PolicyHolder.load(config.policyFile, now, loadOptions);
  const store = options.store ?? (await openStore(config, (message) => log.warn(message)));
  const warnOfUnreachableQuorums = async () => {
    const identities = await decidingIdentities(config.tokens, config.oidc !== null, store, now().toISOString());
    for (const warning of quorumIdentityWarnings(policy.current(), identities)) log.warn(warning);
  };
  const metrics = new Metrics();
  let shadow: ShadowPolicy;
  try {
    // A FARAMESH_SHADOW_POLICY file that doesn't load stops the start, like the active policy.
    shadow = await ShadowPolicy.start({
      config: config.shadow,
      store: store.shadow,
      now,
      loadOptions,
      log,
      registry: metrics.registry,
      activePolicy: () => policy.current(),
    });
    await store.migrate();
    // Before anything is digested: a key other than the one the database's digests were made with
    // would write digests that never match theirs.
    await checkRedactionKeyId(store.settings, config.redactionKey ?? null, config.redactionKeyRotate ?? null, now, log);
    await shadow.sync();
    const databaseTokens = (await store.tokens.count(now().toISOString())).total;
    for (const warning of checkOpenModeExposure(config, databaseTokens)) log.warn(warning);
    await warnOfUnreachableQuorums();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  // Before anything is served: a ledger found damaged gets no further appends (reads still work).
  const ledger = await startLedgerIntegrity(store, config.ledger, now, log).catch(async (error: unknown) => {
    await store.close().catch(() => {});
    throw error;
  });
  const { limits } = config;
  const hub = new EventHub({ maxBytes: limits.eventBufferBytes });
  // Replicas sharing a database: bring the events committed elsewhere into this hub.
  const follower = await followLedger(store, hub, (error) =>
    log.warn(`following the ledger failed, will retry: ${(error as Error).message}`),
  ).catch(async (error: unknown) => {
    await store.close().catch(() => {});
    throw error;
  });
  metrics.watchStore(() => store.countByStatus());
  const guardedStore = refuseWritesWhenInconsistent(store, ledger.monitor);
  // The bound port once listening (port 0 picks one): a reloaded webhook may not point back at it.
  let listeningPort = config.port;
  const notifications = startNotifications(config, store, metrics, now, log, policy, () => listeningPort);
  const service = new ActionService({
    notifications,
    store: guardedStore,
    policy,
    hub,
    metrics,
    now,
    newId: randomUUID,
    approvalTtlSeconds: config.approvalTtlSeconds,
    approvedTtlSeconds: config.approvedTtlSeconds,
    shadow,
    redactionKey: config.redactionKey ?? null,
    grants: new GrantLookup(store, (listener) => hub.subscribe(listener)),
  });
  const grants = new GrantService({
    store: guardedStore,
    actions: service,
    now,
    newId: randomUUID,
    maxTtlSeconds: config.grantMaxTtlSeconds,
  });
  const approvals = new ApprovalService({
    store: guardedStore,
    actions: service,
    metrics,
    now,
    approvedTtlSeconds: config.approvedTtlSeconds,
    grants,
  });
  const breakGlass = new BreakGlassService({
    store: guardedStore,
    actions: service,
    metrics,
    now,
    approvedTtlSeconds: config.approvedTtlSeconds,
  });
  const escalations = new EscalationSweeper({ store: guardedStore, actions: service, now });
  const streams = new Set<SseConnection>();
  const shutdown = new AbortController();
  const sseBudget = new ByteBudget(limits.sseBufferBytes);
  const requestLimits = new RequestLimits(limits, config.maxBodyBytes, metrics);
  const playground = new InlinePolicyEvaluator({
    timeoutMs: limits.playgroundTimeoutMs,
    maxQueue: limits.playgroundQueue,
    // Compiling takes about 120 bytes of heap per byte of policy text: room for the largest allowed.
    heapMb: Math.max(64, Math.ceil(limits.playgroundPolicyBytes / 4096)),
    onRefused: (limit) => metrics.limitRejections.inc({ limit }),
  });
  metrics.watchBounds(() => ({
    bytes: {
      event_buffer: hub.usage.bytes,
      sse_buffers: sseBudget.held,
      inflight_bodies: requestLimits.inflight.held,
      limit_keys: limitKeyCacheBytes(),
      outbox_waiting: notifications.heldBytes(),
      ...store.memoryBytes?.(),
    },
    rateLimiterCallers: requestLimits.limiter.size,
  }));

  const reloadPolicy = policyReloader({
    config,
    policy,
    channels: notifications.reload,
    loadOptions,
    shadow,
    metrics,
    log,
    warnOfUnreachableQuorums,
    onChannelsReloaded: () => {
      // The Slack app's signing secrets and user map come with the channels.
      const previous = slack;
      slack =
        config.channels.slack === null
          ? null
          : slackInteractions(config.channels.slack, { auth, store: guardedStore, approvals, now });
      context.slack = slack?.interactions ?? null;
      void previous?.responder.close();
    },
  });

  const readiness = serverReadiness({
    config,
    store,
    ownStore: options.store === undefined,
    policy,
    notifications,
    ledger,
    now,
    cacheMs: options.readinessCacheMs ?? 1000,
  });

  const envTokens = new EnvTokenSource(config.tokens);
  const tokenUses = new TokenUseRecorder(store.tokens, {
    onError: (error) => log.warn(`recording when tokens were last used failed: ${(error as Error).message}`),
  });

  // Single sign-on: discovery is tried now; if the provider is down, in the background (oidc-login.ts).
  const oidc = config.oidc === null ? null : new OidcLogin(config.oidc, log);
  await oidc?.start();
  const sessions = config.oidc === null ? null : new SessionAuthenticator(store.sessions, config.sessions, now);

  const databaseTokens = new DatabaseTokenSource(store.tokens, now, tokenUses);
  const auth = new Authenticator([envTokens, databaseTokens], {
    closed: config.oidc !== null,
  });
  let slack =
    config.channels.slack === null
      ? null
      : slackInteractions(config.channels.slack, { auth, store: guardedStore, approvals, now });

  const context: AppContext = {
    config,
    store,
    policy,
    service,
    approvals,
    breakGlass,
    grants,
    escalations,
    hub,
    metrics,
    notifications,
    slack: slack?.interactions ?? null,
    auth,
    tokens: new TokenAdmin({
      tokens: store.tokens,
      reservedNames: new Set([...envTokens.names, OPEN_PRINCIPAL.name]),
      now,
      newId: randomUUID,
      onCreated: () => databaseTokens.tokenCreated(),
    }),
    sessions,
    oidc,
    readiness,
    streams,
    sseBudget,
    requestLimits,
    waiters: new ConcurrencyGate(limits.maxWaiters),
    playground,
    reloadPolicy,
    now,
    shutdown: shutdown.signal,
    ledger,
    shadow,
    shadowPromoter: new ShadowPromoter({
      store: guardedStore,
      policy,
      reloadPolicy,
      shadow,
      service,
      hub,
      metrics,
      now,
      newId: randomUUID,
    }),
  };
  const app = buildApp(context, { logger: options.httpLogger ?? false });
  const connections = drainConnections(app.server);

  if (config.demo) {
    const seeded = await seedDemoData(service, approvals, store);
    if (seeded > 0) log.info(`demo mode: seeded ${seeded} demo actions`);
  }

  const watchers = startHotReloadWatchers(config, reloadPolicy, shadow);
  const sweeps = startBackgroundSweeps({
    service,
    escalations,
    grants,
    sessions,
    log,
    sweepMs: (options.expirySweepSeconds ?? 1) * 1000,
  });

  let closed = false;
  return {
    app,
    context,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      listeningPort = port;
      const loops = selfPointingWebhooks(config.channels.webhooks, { ...config, port });
      if (loops.length > 0) {
        await app.close();
        throw Object.assign(new Error(loops.join('\n')), { code: 'config_invalid' });
      }
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return { host: config.host, port, url: `http://${host}:${port}` };
    },
    async close() {
      if (closed) return;
      closed = true;
      sweeps.close();
      oidc?.close();
      await slack?.responder.close();
      ledger.close();
      watchers.close();
      shutdown.abort();
      follower?.close();
      for (const stream of streams) stream.close();
      connections.closeIdle();
      await playground.close();
      await app.close();
      // After the requests in flight have ended: a message one of them routed (leased to this
      // worker) and committed while stopping is still taken, then sent or given back by the
      // worker's close, rather than left leased to a stopped replica until its lease expires.
      await notifications.close();
      await tokenUses.flush();
      await store.close();
    },
  };
}

export { createMemoryStore };
