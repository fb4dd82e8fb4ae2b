import type { Command } from '@commander-js/extra-typings';
import { CliError, EXIT, UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { dashboardDir } from '../package-assets.js';

/** What `@faramesh/server`'s runServe accepts; the server resolves flag > env > .env > default. */
export interface ServeFlags {
  host?: string;
  port?: number;
  hotReload?: boolean;
  demo?: boolean;
  policyFile?: string;
  dbPath?: string;
}

const START_FAILURES = new Set(['config_invalid', 'policy_invalid', 'store_unavailable', 'port_in_use']);

/** Starts the server in this process and resolves after it has shut down. */
export async function serve(flags: ServeFlags, io: Io): Promise<number> {
  // Loaded on demand: every other command stays fast and doesn't pay for the server's dependencies.
  const { runServe } = await import('@faramesh/server');
  try {
    await runServe({ ...flags, cwd: io.cwd, env: io.env, defaultUiDir: dashboardDir() });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && START_FAILURES.has(code)) {
      throw new CliError((err as Error).message);
    }
    throw err;
  }
  return EXIT.ok;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) {
    throw new UsageError(`invalid port '${value}': expected a number from 0 to 65535`);
  }
  return port;
}

export function registerServe(program: Command, io: Io, exit: (code: number) => void): void {
  program
    .command('serve')
    .description('start the Faramesh server (API, SSE stream, web UI)')
    .option('--hot-reload', 'reload the policy file when it changes (also FARAMESH_HOT_RELOAD=1)')
    .option('--watch', 'same as --hot-reload')
    .option('--demo', 'seed demo actions when the database is empty (also FARAMESH_DEMO=1)')
    .option('--policy <file>', 'policy file (also FARA_POLICY_FILE; default policies/default.yaml)')
    .option('--db <path>', 'SQLite database path (also FARA_SQLITE_PATH; default data/actions.db)')
    .action(async (opts, cmd) => {
      const globals = cmd.optsWithGlobals() as { host?: string; port?: string };
      const flags: ServeFlags = {};
      if (globals.host !== undefined) flags.host = globals.host;
      if (globals.port !== undefined) flags.port = parsePort(globals.port);
      if (opts.hotReload || opts.watch) flags.hotReload = true;
      if (opts.demo) flags.demo = true;
      if (opts.policy !== undefined) flags.policyFile = opts.policy;
      if (opts.db !== undefined) flags.dbPath = opts.db;
      exit(await serve(flags, io));
    });
}
