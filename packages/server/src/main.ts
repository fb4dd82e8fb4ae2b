import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { revealAsText } from '@faramesh/contract';
import { ConfigError, type ConfigFlags, resolveConfig, type ServerConfig } from './config/config.js';
import { parseDotenv } from './config/dotenv.js';
import { requestLogOptions } from './http/request-log.js';
import { createServer, type ServerLogger } from './server.js';

export interface ServeOptions extends ConfigFlags {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where start-up and lifecycle messages go (stderr by default). */
  logger?: ServerLogger;
  /** The dashboard to serve when FARAMESH_UI_DIR is unset (the `faramesh` package passes its own copy). */
  defaultUiDir?: string;
}

/** An error that stops `faramesh serve` with a printable message and a stable code. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    readonly code: 'config_invalid' | 'policy_invalid' | 'store_unavailable' | 'port_in_use',
    message: string,
  ) {
    super(message);
  }
}

// Messages quote what others wrote (a webhook's answer, a policy file, a database error): every
// hidden or control character is shown as a `⟨U+001B⟩` marker so none can rewrite the operator's terminal.
const shown = (m: string): string => revealAsText(m, { allowNewlines: true });
const stderrLogger: ServerLogger = {
  info: (m) => process.stderr.write(`${shown(m)}\n`),
  warn: (m) => process.stderr.write(`warning: ${shown(m)}\n`),
  error: (m) => process.stderr.write(`error: ${shown(m)}\n`),
};

/** Reads `.env` from cwd (if any) and resolves the server configuration. */
export async function loadServerConfig(options: ServeOptions): Promise<ServerConfig> {
  const text = await readFile(join(options.cwd, '.env'), 'utf8').catch(() => '');
  const dotenv = parseDotenv(text);
  if (dotenv.problems.length > 0) {
    const lines = dotenv.problems.map((p) => `  .env:${p.line}: ${p.message}`).join('\n');
    throw new StartupError('config_invalid', `invalid .env file:\n${lines}`);
  }
  try {
    const config = resolveConfig(options, options.env, dotenv.values, options.cwd);
    return config.uiDir === null ? { ...config, uiDir: options.defaultUiDir ?? defaultUiDir() } : config;
  } catch (error) {
    if (error instanceof ConfigError) throw new StartupError('config_invalid', error.message);
    throw error;
  }
}

/** The monorepo's built dashboard, next to this package (when run from a source checkout). */
function defaultUiDir(): string {
  return fileURLToPath(new URL('../../web/dist', import.meta.url));
}

/**
 * `faramesh serve`: the composition root. Starts the server, logs where it listens, and resolves
 * after a graceful shutdown on SIGINT/SIGTERM.
 */
export async function runServe(options: ServeOptions): Promise<void> {
  const log = options.logger ?? stderrLogger;
  const config = await loadServerConfig(options);
  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer(config, {
      logger: log,
      ...(config.logRequests && { httpLogger: requestLogOptions() }),
    });
  } catch (error) {
    throw asStartupError(error);
  }
  // Signal handlers go in before listening, so a SIGTERM that arrives during start-up still shuts
  // down gracefully (and the process exits 0) instead of dying by the default action.
  let stopping = false;
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  const unhook = () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = (signal) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: shutting down`);
      unhook();
      server.close().then(resolve, (error: unknown) => {
        log.error(`shutdown failed: ${(error as Error).message}`);
        resolve();
      });
    };
  });
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  let address: { url: string };
  try {
    address = await server.listen();
  } catch (error) {
    if (stopping) return stopped;
    unhook();
    await server.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError('port_in_use', `port ${config.port} on ${config.host} is already in use (try --port)`);
    }
    throw error;
  }
  if (stopping) return stopped;
  const info = await server.context.store.info();
  log.info(`Faramesh listening on ${address.url}`);
  log.info(`  policy:   ${config.policyFile} (version ${server.context.policy.current().version})`);
  log.info(`  database: ${info.backend} ${info.location} (schema ${info.schema_version})`);
  if (config.redactionKey) log.info(`  redaction: key id ${config.redactionKey.id} (FARAMESH_REDACTION_KEY)`);
  if (config.oidc !== null) {
    const { roles } = config.oidc;
    log.info(
      `  sso:      ${config.oidc.issuer} → ${config.oidc.redirectUri} (admin: ${roles.admin.join('|') || 'none'}; approver: ${roles.approver.join('|') || 'none'})`,
    );
  }
  const databaseTokens = await server.context.store.tokens.count(new Date().toISOString());
  if (await server.context.auth.openMode()) {
    log.warn(
      'no tokens configured (FARAMESH_TOKEN / FARAMESH_TOKENS, or `faramesh token create`): open mode, anyone who can reach this port can approve actions',
    );
  } else if (config.tokens.length > 0) {
    log.info(
      `  auth:     ${config.tokens.length} token(s): ${config.tokens.map((t) => `${t.name} (${t.role})`).join(', ')}`,
    );
  }
  if (databaseTokens.total > 0) {
    log.info(`  auth:     ${databaseTokens.active} active database token(s) (faramesh token list)`);
  }
  if (databaseTokens.expired > 0) {
    log.warn(
      `${databaseTokens.expired} database token(s) expired but not revoked; they are refused already (revoke them to free their names)`,
    );
  }
  const shared = config.tokens.filter((t) => t.shared === true).map((t) => t.name);
  if (shared.length > 0) {
    log.warn(
      `FARAMESH_TOKEN is a shared identity (${shared.join(', ')}): whoever holds it can submit an action and approve it, so separation of duties is NOT enforced for it; give agents and approvers their own tokens with FARAMESH_TOKENS=name:role:token,…`,
    );
  }
  if (config.hotReload) log.info('  hot reload: watching the policy file');
  return stopped;
}

function asStartupError(error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === 'policy_invalid') return new StartupError('policy_invalid', (error as Error).message);
  if (error instanceof ConfigError) return new StartupError('config_invalid', error.message);
  if (error instanceof StartupError) return error;
  if (code === 'store_unavailable' || (error as Error).name === 'StoreError') {
    return new StartupError('store_unavailable', `cannot open the database: ${(error as Error).message}`);
  }
  return error as Error;
}
