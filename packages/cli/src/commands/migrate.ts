import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import { CliError, UsageError } from '../cli-error.js';
import type { Context } from '../context.js';
import { displayPath } from '../local/policy-file.js';

/**
 * `migrate`: brings the configured database to this build's schema; with `--from sqlite:PATH`,
 * copies a SQLite database (actions and the whole hash-chained ledger, unchanged) into the
 * configured PostgreSQL database.
 */
export async function migrate(ctx: Context, options: { from?: string; db?: string }): Promise<number> {
  const server = await import('@faramesh/server');
  const store = await import('@faramesh/store');
  const config = await server
    .loadServerConfig({ cwd: ctx.io.cwd, env: ctx.io.env, ...(options.db !== undefined && { dbPath: options.db }) })
    .catch((err: unknown) => {
      throw new CliError((err as Error).message);
    });

  if (options.from !== undefined) {
    const match = /^sqlite:(.+)$/.exec(options.from);
    if (match?.[1] === undefined) throw new UsageError(`--from must look like sqlite:PATH (got '${options.from}')`);
    if (config.dbBackend !== 'postgres' || config.postgresDsn === null) {
      throw new CliError('--from copies into PostgreSQL: set FARA_DB_BACKEND=postgres and FARA_POSTGRES_DSN');
    }
    ctx.out.status(`Copying ${displayPath(ctx.io.cwd, match[1])} into PostgreSQL...`);
    const result = await store
      .migrateSqliteToPostgres({ sqlitePath: match[1], dsn: config.postgresDsn })
      .catch((err: unknown) => {
        throw new CliError((err as Error).message);
      });
    if (ctx.json) ctx.out.json(result);
    else if (result.alreadyMigrated)
      ctx.out.success('Nothing to do: this database was already copied (same ledger head)');
    else {
      const side = Object.entries(result.sideRows ?? {})
        .filter(([, rows]) => rows > 0)
        .map(([table, rows]) => `${rows} ${table}`);
      const also = side.length === 0 ? '' : ` (and ${side.join(', ')})`;
      ctx.out.success(
        `Copied ${result.actions} actions and ${result.events} ledger events${also}; the hash chain verifies`,
      );
    }
    return 0;
  }

  const target =
    config.dbBackend === 'postgres'
      ? store.createPostgresStore({ dsn: config.postgresDsn ?? '', poolSize: 1 })
      : store.createSqliteStore({ path: config.sqlitePath });
  try {
    const { from, to } = await target.migrate();
    const info = await target.info();
    if (ctx.json) ctx.out.json({ backend: info.backend, location: info.location, from, to });
    else if (from === to) ctx.out.success(`${info.backend} ${info.location} is up to date (schema ${to})`);
    else ctx.out.success(`${info.backend} ${info.location} migrated from schema ${from} to ${to}`);
    return 0;
  } catch (err) {
    throw new CliError(`cannot migrate the database: ${(err as Error).message}`);
  } finally {
    await target.close().catch(() => {});
  }
}

export function registerMigrate(program: Command, app: App): void {
  program
    .command('migrate')
    .description('apply schema migrations to the configured database; --from sqlite:PATH copies SQLite into PostgreSQL')
    .option('--from <source>', 'copy this database into the configured PostgreSQL (sqlite:PATH)')
    .option('--db <path>', 'SQLite database path (also FARA_SQLITE_PATH)')
    .action(async (opts, cmd) => {
      app.exitCode = await migrate(app.context(cmd), opts);
    });
}
