import { randomUUID } from 'node:crypto';
import { createMemoryStore, createPostgresStore, createSqliteStore, type Store } from '@faramesh/store';
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
import type { ServerConfig } from './config/config.js';
import { checkOpenModeExposure } from './config/exposure-check.js';
import { seedDemoData } from './demo/demo-seed.js';
import { databaseCheck } from './health/database-check.js';
import { diskSpaceCheck } from './health/disk-space-check.js';
import { ledgerCheck } from './health/ledger-check.js';
import { policyCheck } from './health/policy-check.js';
import { Readiness } from './health/readiness.js';
import { buildApp } from './http/app.js';
import type { AppContext } from './http/app-context.js';
import { drainConnections } from './http/connection-drain.js';
import { ByteBudget } from './limits/byte-budget.js';
import { ConcurrencyGate } from './limits/concurrency-gate.js';
import { RequestLimits } from './limits/request-limits.js';
import { Metrics } from './metrics/metrics.js';
import { channelNames, selfPointingWebhooks } from './notify/channels-config.js';
import { channelsCheck } from './notify/channels-ready.js';
import { type PolicyAndChannelsOutcome, reloadPolicyAndChannels } from './notify/policy-channels-reload.js';
import { slackInteractions } from './notify/slack-setup.js';
import { startNotifications } from './notify/start-notifications.js';
import { InlinePolicyEvaluator } from './playground/inline-policy-evaluator.js';
import { PolicyHolder } from './policy/policy-holder.js';
import { watchPolicyFile } from './policy/policy-watcher.js';
import { decidingIdentities, quorumIdentityWarnings } from './policy/quorum-identity-warning.js';
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

const SESSION_SWEEP_MS = 60_000;
/** How often a replica checks the database for a shadow policy set or cleared on another one. */
const SHADOW_SYNC_MS = 2000;

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
  const store = options.store ?? (await openStore(config));
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
    });
    await store.migrate();
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
    },
    rateLimiterCallers: requestLimits.limiter.size,
  }));

  const reloadPolicy = async (): Promise<PolicyAndChannelsOutcome> => {
    const before = channelNames(config.channels).join(', ');
    const outcome = await reloadPolicyAndChannels({ policy, channels: notifications.reload, loadOptions });
    if (outcome.channels?.ok === true) {
      // The Slack app's signing secrets and user map come with the channels.
      const previous = slack;
      slack =
        config.channels.slack === null
          ? null
          : slackInteractions(config.channels.slack, { auth, store: guardedStore, approvals, now });
      context.slack = slack?.interactions ?? null;
      void previous?.responder.close();
      const after = channelNames(config.channels).join(', ');
      if (after !== before) log.info(`channels reloaded: ${config.channels.file} (${after || 'none'})`);
    }
    if (outcome.channels?.ok === false) {
      log.warn(
        `channels reload refused, keeping the last good channels (${before || 'none'}):\n${outcome.channels.message}`,
      );
    }
    // The admin reload (and promotion) re-reads FARAMESH_SHADOW_POLICY too; it keeps its last good one.
    await shadow.reloadFile();
    metrics.policyReloads.inc({ result: outcome.ok ? 'ok' : 'invalid' });
    if (outcome.ok && outcome.changed) {
      log.info(`policy reloaded: ${outcome.status.file} (version ${outcome.status.version})`);
      await warnOfUnreachableQuorums().catch(() => {});
    }
    if (!outcome.ok) log.warn(`policy reload failed, keeping version ${outcome.status.version}:\n${outcome.message}`);
    return outcome;
  };

  const readiness = new Readiness({ cacheMs: options.readinessCacheMs ?? 1000, timeoutMs: 5000, now });
  readiness.add(databaseCheck(store, now));
  if (config.dbBackend === 'sqlite' && options.store === undefined) {
    readiness.add(diskSpaceCheck(config.sqlitePath, config.minFreeBytes));
  }
  readiness.add(policyCheck(policy));
  readiness.add(channelsCheck(notifications.reload));
  readiness.add(ledgerCheck(ledger));

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

  const watcher = config.hotReload ? watchPolicyFile(config.policyFile, () => void reloadPolicy()) : null;
  const channelsFile = config.channels.file;
  const channelsWatcher =
    config.hotReload && channelsFile !== null ? watchPolicyFile(channelsFile, () => void reloadPolicy()) : null;
  const shadowFile = config.shadow.file;
  const shadowWatcher =
    config.hotReload && shadowFile !== null ? watchPolicyFile(shadowFile, () => void shadow.reloadFile()) : null;
  // Without a file, follow the shadow policy other replicas set or clear through the API.
  const shadowSync = shadowFile === null ? setInterval(() => void shadow.sync(), SHADOW_SYNC_MS) : null;
  shadowSync?.unref();
  const sweepMs = (options.expirySweepSeconds ?? 1) * 1000;
  // While the database is down every sweep fails: say so once, and once more when it works again.
  let sweepFailing = false;
  const sweeper = setInterval(() => {
    // Expiry first: an action whose window closed is expired, never escalated. Then grants' expiry.
    service
      .expireDue()
      .then(() => escalations.sweep())
      .then(() => grants.expireDue())
      .then(
        () => {
          if (sweepFailing) log.info('expiry and escalation sweep works again');
          sweepFailing = false;
        },
        (error: unknown) => {
          if (!sweepFailing) {
            log.error(`expiry and escalation sweep failed (retrying every ${sweepMs} ms): ${(error as Error).message}`);
          }
          sweepFailing = true;
        },
      );
  }, sweepMs);
  sweeper.unref();
  // Ended sessions are refused on lookup anyway; this only keeps the table from growing.
  const sessionSweeper =
    sessions === null
      ? null
      : setInterval(() => {
          sessions.sweep().catch((error: unknown) => log.warn(`session sweep failed: ${(error as Error).message}`));
        }, SESSION_SWEEP_MS);
  sessionSweeper?.unref();

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
      clearInterval(sweeper);
      if (sessionSweeper !== null) clearInterval(sessionSweeper);
      oidc?.close();
      await notifications.close();
      await slack?.responder.close();
      ledger.close();
      watcher?.close();
      channelsWatcher?.close();
      shadowWatcher?.close();
      if (shadowSync !== null) clearInterval(shadowSync);
      shutdown.abort();
      follower?.close();
      for (const stream of streams) stream.close();
      connections.closeIdle();
      await playground.close();
      await app.close();
      await tokenUses.flush();
      await store.close();
    },
  };
}

async function openStore(config: ServerConfig): Promise<Store> {
  if (config.dbBackend === 'postgres') {
    // resolveConfig refuses postgres without a DSN; this guards direct callers.
    const dsn = config.postgresDsn ?? '';
    const store = createPostgresStore({ dsn });
    try {
      await store.ping();
    } catch (error) {
      await store.close().catch(() => {});
      // Fail loudly at start: a configured PostgreSQL is never replaced by SQLite.
      throw Object.assign(
        new Error(`PostgreSQL is unreachable (${(error as Error).message}); refusing to start or fall back to SQLite`),
        { code: 'store_unavailable' },
      );
    }
    return store;
  }
  return createSqliteStore({ path: config.sqlitePath });
}

export { createMemoryStore };
