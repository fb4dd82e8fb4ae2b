import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { formatDiagnostic } from '@faramesh/policy';
import { FarameshClient, FarameshError } from '@faramesh/sdk';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { displayPath, loadPolicyFile } from '../local/policy-file.js';
import { safeText } from '../output/safe-text.js';
import { dashboardDir } from '../package-assets.js';
import { channelsCheck } from './doctor-channels.js';
import { ledgerCheck } from './doctor-ledger.js';
import { redactionCheck } from './doctor-redaction.js';
import {
  breakGlassReviewsCheck,
  type OpenReview,
  openBreakGlassReviews,
  serverBreakGlassReviews,
} from './doctor-reviews.js';
import { countDatabaseTokens, databaseTokensCheck } from './doctor-tokens.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  message: string;
  details?: string[];
}

const MIN_NODE = [20, 19] as const;

/**
 * `doctor`: checks what a working installation needs: Node version, configuration, database
 * (writable, migrated), policy (valid), auth, UI assets, the server. `fail` exits 1; `warn` is
 * shown but is not a problem on its own (e.g. no server running yet).
 */
export async function doctor(ctx: Context, options: { policy?: string; db?: string }): Promise<number> {
  const checks: Check[] = [];
  checks.push(nodeCheck(process.versions.node));

  const server = await import('@faramesh/server');
  const flags: Record<string, unknown> = {};
  if (options.policy !== undefined) flags.policyFile = options.policy;
  if (options.db !== undefined) flags.dbPath = options.db;
  let config: Awaited<ReturnType<typeof server.loadServerConfig>> | null = null;
  let localReviews: OpenReview[] | null = null;
  try {
    config = await server.loadServerConfig({
      ...flags,
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      defaultUiDir: dashboardDir(),
    });
    checks.push({ name: 'config', status: 'ok', message: 'Configuration valid (flags, environment, .env)' });
  } catch (err) {
    checks.push({
      name: 'config',
      status: 'fail',
      message: 'Configuration invalid',
      details: [(err as Error).message],
    });
  }

  if (config) {
    checks.push(await databaseCheck(ctx, config));
    checks.push(
      await ledgerCheck(config).catch((err: unknown) => ({
        name: 'ledger',
        status: 'fail' as const,
        message: `Ledger can't be checked: ${(err as Error).message}`,
      })),
    );
    const redaction = await redactionCheck(config);
    if (redaction !== null) checks.push(redaction);
    checks.push(policyCheck(ctx, config.policyFile));
    checks.push(channelsCheck(config.channels, loadedPolicy(ctx, config.policyFile)));
    const databaseTokens = await countDatabaseTokens(config);
    checks.push(authCheck(config.tokens, databaseTokens?.total ?? 0));
    const tokens = databaseTokensCheck(databaseTokens);
    if (tokens !== null) checks.push(tokens);
    localReviews = await openBreakGlassReviews(config);
    const reviews = breakGlassReviewsCheck(localReviews);
    if (reviews !== null) checks.push(reviews);
    checks.push(uiCheck(ctx, config.uiDir));
  }
  const reachable = await serverCheck(ctx);
  checks.push(reachable);
  // No database here to say (the server runs elsewhere, or on PostgreSQL without its URL): ask it.
  if (localReviews === null && reachable.status === 'ok') {
    const reviews = breakGlassReviewsCheck(
      await serverBreakGlassReviews(() => clientOf(ctx).listReviews({ status: 'open' })),
    );
    if (reviews !== null) checks.push(reviews);
  }

  const failed = checks.some((c) => c.status === 'fail');
  if (ctx.json) {
    ctx.out.json({ ok: !failed, checks });
    return failed ? 1 : 0;
  }
  const { c } = ctx.out;
  const mark: Record<CheckStatus, string> = { ok: c.green('✓'), warn: c.yellow('!'), fail: c.red('✗') };
  // Messages quote files, databases and servers (error messages, paths, names): none reaches the terminal raw.
  for (const check of checks) {
    ctx.out.line(`${mark[check.status]} ${safeText(check.message)}`);
    for (const line of (check.details ?? []).flatMap((d) => d.split('\n')))
      ctx.out.line(`    ${safeText(line.trim())}`);
  }
  return failed ? 1 : 0;
}

export function nodeCheck(version: string): Check {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return ok
    ? { name: 'node', status: 'ok', message: `Node ${version}` }
    : {
        name: 'node',
        status: 'fail',
        message: `Node ${version} is too old: Faramesh needs Node >= ${MIN_NODE.join('.')}`,
      };
}

interface DoctorConfig {
  dbBackend: 'sqlite' | 'postgres';
  sqlitePath: string;
  postgresDsn: string | null;
}

async function databaseCheck(ctx: Context, config: DoctorConfig): Promise<Check> {
  if (config.dbBackend === 'postgres') return postgresCheck(config.postgresDsn ?? '');
  const path = displayPath(ctx.io.cwd, config.sqlitePath);
  if (!existsSync(config.sqlitePath)) {
    const dir = firstExisting(dirname(config.sqlitePath));
    if (!writable(dir)) {
      return {
        name: 'database',
        status: 'fail',
        message: `Database ${path} can't be created: ${displayPath(ctx.io.cwd, dir)} is not writable`,
      };
    }
    return {
      name: 'database',
      status: 'warn',
      message: `Database ${path} does not exist yet (\`faramesh serve\` creates it)`,
    };
  }
  if (!writable(config.sqlitePath) || !writable(dirname(config.sqlitePath))) {
    return { name: 'database', status: 'fail', message: `Database ${path} is not writable` };
  }
  const { createSqliteStore, SCHEMA_VERSION } = await import('@faramesh/store');
  try {
    const store = createSqliteStore({ path: config.sqlitePath });
    try {
      const info = await store.info();
      if (info.schema_version === SCHEMA_VERSION) {
        return {
          name: 'database',
          status: 'ok',
          message: `Database exists, is writable and migrated: sqlite ${path} (schema ${info.schema_version}, ${durability(info.durability)})`,
        };
      }
      return {
        name: 'database',
        status: 'warn',
        message: `Database ${path} is at schema ${info.schema_version}; \`faramesh serve\` migrates it to ${SCHEMA_VERSION}`,
      };
    } finally {
      await store.close().catch(() => {});
    }
  } catch (err) {
    return {
      name: 'database',
      status: 'fail',
      message: `Database ${path} can't be used`,
      details: [(err as Error).message],
    };
  }
}

/** Connects to the configured PostgreSQL: reachable, migrated, and how durable its commits are. */
async function postgresCheck(dsn: string): Promise<Check> {
  const { createPostgresStore, SCHEMA_VERSION } = await import('@faramesh/store');
  const store = createPostgresStore({ dsn, poolSize: 1 });
  try {
    await store.ping();
    const info = await store.info();
    const where = `postgres ${info.location} (schema ${info.schema_version}, ${durability(info.durability)})`;
    if (info.schema_version === SCHEMA_VERSION) {
      return { name: 'database', status: 'ok', message: `Database reachable and migrated: ${where}` };
    }
    return {
      name: 'database',
      status: 'warn',
      message: `Database reachable: ${where}; \`faramesh serve\` migrates it to schema ${SCHEMA_VERSION}`,
    };
  } catch (err) {
    return { name: 'database', status: 'fail', message: 'PostgreSQL unreachable', details: [(err as Error).message] };
  } finally {
    await store.close().catch(() => {});
  }
}

function durability(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

/** The policy if it loads, for checks that read it (its own problems are the policy check's). */
function loadedPolicy(ctx: Context, file: string) {
  try {
    const loaded = loadPolicyFile(ctx.io.cwd, file);
    return loaded.ok ? loaded.policy : null;
  } catch {
    return null;
  }
}

function policyCheck(ctx: Context, file: string): Check {
  const path = displayPath(ctx.io.cwd, file);
  if (!existsSync(file)) {
    return {
      name: 'policy',
      status: 'fail',
      message: `Policy file not found: ${path} (create one with \`faramesh init\`)`,
    };
  }
  try {
    const loaded = loadPolicyFile(ctx.io.cwd, file);
    if (!loaded.ok) {
      return {
        name: 'policy',
        status: 'fail',
        message: `Policy file invalid: ${path}`,
        details: loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic),
      };
    }
    const warnings = loaded.warnings.length > 0 ? `, ${loaded.warnings.length} warning(s)` : '';
    return {
      name: 'policy',
      status: 'ok',
      message: `Policy file valid: ${path} (${loaded.policy.rules.length} rules, ${loaded.policy.riskRules.length} risk rules${warnings})`,
      details: loaded.warnings.map(formatDiagnostic),
    };
  } catch (err) {
    return { name: 'policy', status: 'fail', message: (err as Error).message };
  }
}

function authCheck(tokens: ReadonlyArray<{ name: string; role: string; shared?: boolean }>, databaseTokens = 0): Check {
  if (tokens.length === 0 && databaseTokens > 0) {
    return { name: 'auth', status: 'ok', message: 'Auth: database tokens only (no environment tokens)' };
  }
  if (tokens.length === 0) {
    return {
      name: 'auth',
      status: 'warn',
      message:
        'No auth token configured: the server runs in open mode (set FARAMESH_TOKEN or FARAMESH_TOKENS, or `faramesh token create --local`)',
    };
  }
  const roles = [...new Set(tokens.map((t) => t.role))].join(', ');
  if (tokens.some((t) => t.shared === true)) {
    return {
      name: 'auth',
      status: 'warn',
      message: `Auth token configured (${tokens.length} token(s), roles: ${roles}), but FARAMESH_TOKEN is one shared identity: separation of duties is not enforced for it (its holder can approve what it submitted); use FARAMESH_TOKENS=name:role:token for separate agents and approvers`,
    };
  }
  return { name: 'auth', status: 'ok', message: `Auth token configured (${tokens.length} token(s), roles: ${roles})` };
}

function uiCheck(ctx: Context, uiDir: string | null): Check {
  if (uiDir !== null && existsSync(join(uiDir, 'index.html'))) {
    return { name: 'ui', status: 'ok', message: `UI assets found: ${displayPath(ctx.io.cwd, uiDir)}` };
  }
  return {
    name: 'ui',
    status: 'warn',
    message: `UI assets not found${uiDir ? ` in ${displayPath(ctx.io.cwd, uiDir)}` : ''} (run \`faramesh build-ui\`; the API works without them)`,
  };
}

/** A client of the configured server that gives up quickly (doctor reports, it doesn't wait). */
function clientOf(ctx: Context): FarameshClient {
  const { baseUrl, token } = ctx.connection;
  return new FarameshClient({
    baseUrl,
    token,
    timeoutMs: 3000,
    retries: 0,
    ...(ctx.io.fetch ? { fetch: ctx.io.fetch } : {}),
  });
}

async function serverCheck(ctx: Context): Promise<Check> {
  const { baseUrl } = ctx.connection;
  const client = clientOf(ctx);
  try {
    await client.health();
  } catch {
    return {
      name: 'server',
      status: 'warn',
      message: `Server not reachable at ${baseUrl} (start it with \`faramesh serve\`)`,
    };
  }
  try {
    const ready = await client.ready();
    const me = await client.whoami();
    if (!ready.ready) {
      // Check details come only with an admin token; otherwise the reason codes say what failed.
      const failing =
        ready.checks === undefined
          ? ready.reasons
          : Object.entries(ready.checks)
              .filter(([, v]) => v.ok === false)
              .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
      return { name: 'server', status: 'fail', message: `Server at ${baseUrl} is up but not ready`, details: failing };
    }
    const shared = me.shared_identity && !me.open_mode ? ', a shared identity: duties not separated' : '';
    const who = me.open_mode ? 'open mode' : `as ${me.name} (${me.role}${shared})`;
    return { name: 'server', status: 'ok', message: `Server reachable and ready at ${baseUrl} (${who})` };
  } catch (err) {
    if (err instanceof FarameshError && err.code === 'unauthorized') {
      return {
        name: 'server',
        status: 'fail',
        message: `Server at ${baseUrl} rejects the token (--token / FARAMESH_TOKEN)`,
      };
    }
    return {
      name: 'server',
      status: 'fail',
      message: `Server at ${baseUrl} answered badly: ${(err as Error).message}`,
    };
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function firstExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

export function registerDoctor(program: Command, app: App): void {
  program
    .command('doctor')
    .description(
      'check the environment: Node, database, ledger integrity, redaction key, policy, auth, UI assets, server',
    )
    .option('--policy <file>', 'policy file to check (default as `serve`)')
    .option('--db <path>', 'SQLite database to check (default as `serve`)')
    .action(async (opts, cmd) => {
      app.exitCode = await doctor(app.context(cmd), opts);
    });
}
