import type { Command } from '@commander-js/extra-typings';
import { type LedgerArchiveResult, TERMINAL_STATUSES } from '@faramesh/contract';
import type { App } from '../app.js';
import { CliError, UsageError } from '../cli-error.js';
import type { Context } from '../context.js';
import { intOption } from '../option-parsers.js';

interface ArchiveFlags {
  before: string;
  out?: string;
  dryRun?: boolean;
  db?: string;
  remote?: boolean;
  segmentMb?: number;
}

/**
 * `archive`: writes the ledger up to `--before` (an age like 90d or a date-time) into verified,
 * signed segment files and removes the archived, finished actions from the configured database
 * (SQLite file or PostgreSQL), or, with `--remote`, asks the server to (into its FARAMESH_ARCHIVE_DIR).
 */
export async function archive(ctx: Context, options: ArchiveFlags): Promise<number> {
  if (options.remote) {
    if (options.out !== undefined || options.db !== undefined || options.segmentMb !== undefined) {
      throw new UsageError('--out, --db and --segment-mb are for a local archive; the server uses its own settings');
    }
    const result = await ctx.client.auditArchive({ before: options.before, dry_run: options.dryRun === true });
    report(ctx, result);
    return 0;
  }
  const server = await import('@faramesh/server');
  const storeModule = await import('@faramesh/store');
  const { resolve } = await import('node:path');
  const config = await server
    .loadServerConfig({ cwd: ctx.io.cwd, env: ctx.io.env, ...(options.db !== undefined && { dbPath: options.db }) })
    .catch((err: unknown) => {
      throw new CliError((err as Error).message);
    });
  const cutoff = server.resolveCutoff(options.before, new Date());
  if ('problem' in cutoff) throw new UsageError(`--${cutoff.problem}`);
  const dir = options.out === undefined ? config.ledger.archiveDir : resolve(ctx.io.cwd, options.out);
  if (dir === null && options.dryRun !== true) {
    throw new UsageError('where should the segments go? give --out DIR or set FARAMESH_ARCHIVE_DIR');
  }
  const store =
    config.dbBackend === 'postgres'
      ? storeModule.createPostgresStore({ dsn: config.postgresDsn ?? '', poolSize: 2 })
      : storeModule.createSqliteStore({ path: config.sqlitePath });
  try {
    await store.migrate().catch((err: unknown) => {
      throw new CliError(`cannot open the database: ${(err as Error).message}`);
    });
    const { key, checkpointFile } = config.ledger;
    const { archiveStep } = ctx.io;
    const result = await server
      .archiveLedger(
        {
          ledger: store.ledger,
          key,
          terminal: TERMINAL_STATUSES,
          now: () => new Date(),
          check: () => server.quickLedgerCheck(store.ledger, { key, checkpointFile }),
          ...(archiveStep !== undefined && { onStep: archiveStep }),
        },
        {
          before: cutoff.before,
          dir: dir ?? '',
          dryRun: options.dryRun === true,
          maxSegmentBytes:
            options.segmentMb === undefined ? config.ledger.archiveSegmentBytes : options.segmentMb * 1024 * 1024,
          pageEvents: server.ledgerPageEvents(config.maxBodyBytes),
        },
      )
      .catch((err: unknown) => {
        const code = (err as { code?: unknown }).code;
        throw new CliError(typeof code === 'string' ? `${code}: ${(err as Error).message}` : (err as Error).message);
      });
    report(ctx, result);
    return 0;
  } finally {
    await store.close().catch(() => {});
  }
}

function report(ctx: Context, result: LedgerArchiveResult): void {
  if (ctx.json) {
    ctx.out.json(result);
    return;
  }
  const { range } = result;
  if (range === null) {
    ctx.out.success(`Nothing to archive: no event created before ${result.before} is left in the ledger`);
    reportUsage(ctx, result);
    return;
  }
  const stretch = `seqs ${range.first_seq}–${range.last_seq} (${result.event_count} events created before ${result.before})`;
  const removal = `${result.removed_actions} finished actions with ${result.removed_events} events`;
  // Kept: actions not finished, and finished ones whose standing grant has not ended.
  const kept = `${result.retained_events} events of actions still in use stay in the database`;
  if (result.dry_run) {
    ctx.out.success(`Would archive ${stretch}, removing ${removal}; ${kept}`);
    return;
  }
  ctx.out.success(`Archived ${stretch} into ${result.segments.length} segment(s) in ${result.dir}`);
  ctx.out.line(`  removed ${removal}; ${kept}`);
  for (const segment of result.segments) {
    ctx.out.line(
      `  ${segment.file}: seqs ${segment.first_seq}–${segment.last_seq}, ${segment.count} events, sha256 ${segment.sha256}`,
    );
  }
  const key = result.record?.key_id;
  ctx.out.line(
    key
      ? `  segments and archive record signed by key ${key}`
      : '  unsigned: set FARAMESH_LEDGER_KEY to sign segments and archive records',
  );
  reportUsage(ctx, result);
}

/** The limit usage pruned after the archive, when there was any. */
function reportUsage(ctx: Context, result: LedgerArchiveResult): void {
  const usage = result.limit_usage;
  if (usage === null || usage.removed_rows === 0) return;
  ctx.out.line(
    `  removed ${usage.removed_rows} limit usage rows counted before ${usage.before}, which no limit's window reaches`,
  );
}

export function registerArchive(program: Command, app: App): void {
  program
    .command('archive')
    .description(
      'archive the ledger up to a cutoff into verified, signed segment files and remove the archived, finished actions',
    )
    .requiredOption('--before <when>', 'cutoff: an age (90d, 12h, 2w) or an ISO date-time; older events are archived')
    .option('--out <dir>', 'directory for the segment files (default FARAMESH_ARCHIVE_DIR)')
    .option('--dry-run', 'show what would be archived and removed, change nothing')
    .option('--db <path>', 'SQLite database path (also FARA_SQLITE_PATH)')
    .option(
      '--segment-mb <n>',
      'close a segment file at this size (default FARAMESH_ARCHIVE_SEGMENT_MB or 256)',
      intOption('--segment-mb', 1, 65_536),
    )
    .option('--remote', 'ask the server to archive (into its FARAMESH_ARCHIVE_DIR) instead of opening the database')
    .action(async (opts, cmd) => {
      app.exitCode = await archive(app.context(cmd), opts);
    });
}
