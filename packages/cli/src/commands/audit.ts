import type { Command } from '@commander-js/extra-typings';
import type { LedgerAudit } from '@faramesh/contract';
import type { App } from '../app.js';
import { CliError, UsageError } from '../cli-error.js';
import type { Context } from '../context.js';
import { intOption } from '../option-parsers.js';
import { safeText } from '../output/safe-text.js';
import { verifyKey, verifySegmentFiles } from './audit-segments.js';

interface VerifyFlags {
  db?: string;
  checkpoints?: string;
  key?: string;
  segment?: string[];
}

/**
 * `audit verify`: the whole ledger verified (hash chain, every action row against its history,
 * high-water mark, checkpoints) on the server or, with `--db`, straight from a SQLite file with no
 * server: a copy or a backup, against a checkpoint file kept elsewhere. Exit 1 when it doesn't verify.
 */
export async function auditVerify(ctx: Context, options: VerifyFlags): Promise<number> {
  if (options.segment !== undefined && options.segment.length > 0) {
    if (options.db !== undefined || options.checkpoints !== undefined) {
      throw new UsageError('--segment verifies segment files on their own: verify the database in a separate run');
    }
    return verifySegmentFiles(ctx, options.segment, await verifyKey(ctx, options.key));
  }
  if (options.db === undefined && (options.checkpoints !== undefined || options.key !== undefined)) {
    throw new UsageError('--checkpoints and --key verify a file: give it with --db (the server uses its own)');
  }
  const result = options.db === undefined ? await ctx.client.auditVerify() : await verifyFile(ctx, options, options.db);
  if (ctx.json) ctx.out.json(result);
  else printVerification(ctx, result);
  return result.ok ? 0 : 1;
}

function printVerification(ctx: Context, result: LedgerAudit): void {
  const head = result.head === null ? 'empty ledger' : `head seq ${result.head.seq} ${result.head.hash}`;
  const cp = result.checkpoints;
  const checkpoints =
    cp.checked === 0
      ? 'no checkpoints'
      : `${cp.checked} checkpoints (${cp.signed} signature-verified, ${cp.unsigned} unsigned, ${cp.unverified} by another key)`;
  if (result.ok) ctx.out.success(`Ledger verifies: ${result.events} events, ${result.actions} actions, ${head}`);
  else {
    ctx.out.warn(
      `${ctx.out.ce.red('✗')} Ledger does NOT verify: ${result.problem_count} problem(s) in ${result.events} events, ${result.actions} actions`,
    );
    const kinds = Object.entries(result.problem_kinds).map(([kind, n]) => `${kind} ×${n}`);
    ctx.out.warn(`  kinds: ${safeText(kinds.join(', '))}`);
    // A problem may quote the tampered data itself: marked, never raw.
    for (const problem of result.problems) ctx.out.warn(`  - ${safeText(`${problem.kind}: ${problem.message}`)}`);
    const more = result.problem_count - result.problems.length;
    if (more > 0) ctx.out.warn(`  … and ${more} more`);
  }
  ctx.out.line(`  ${checkpoints}; key: ${result.key.configured ? result.key.key_id : 'none'}`);
  for (const limitation of result.limitations) ctx.out.line(`  note: ${safeText(limitation)}`);
}

async function verifyFile(ctx: Context, options: VerifyFlags, path: string): Promise<LedgerAudit> {
  const { existsSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const { createSqliteStore } = await import('@faramesh/store');
  const { auditLedger } = await import('@faramesh/server');
  const file = resolve(ctx.io.cwd, path);
  if (!existsSync(file)) throw new CliError(`cannot open ${path}: no such file`);
  const key = await verifyKey(ctx, options.key);
  const checkpointFile = options.checkpoints === undefined ? null : resolve(ctx.io.cwd, options.checkpoints);
  if (checkpointFile !== null && !existsSync(checkpointFile)) {
    throw new CliError(`cannot open ${options.checkpoints}: no such file`);
  }
  let store: ReturnType<typeof createSqliteStore>;
  try {
    store = createSqliteStore({ path: file });
  } catch (err) {
    throw new CliError(`cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    return await auditLedger(store, { key, checkpointFile });
  } catch (err) {
    throw new CliError(`cannot verify ${path}: ${(err as Error).message} (is it migrated? run \`faramesh migrate\`)`);
  } finally {
    await store.close().catch(() => {});
  }
}

/** `audit checkpoint`: asks the server to verify up to its head and record a (signed) checkpoint. */
export async function auditCheckpoint(ctx: Context): Promise<number> {
  const checkpoint = await ctx.client.auditCheckpoint();
  if (ctx.json) ctx.out.json(checkpoint);
  else {
    const signed =
      checkpoint.signature === null ? 'unsigned (no FARAMESH_LEDGER_KEY)' : `signed by key ${checkpoint.key_id}`;
    ctx.out.success(`Checkpoint of seq ${checkpoint.seq} ${checkpoint.hash}, ${signed}`);
    ctx.out.line(
      `  stored in the database${checkpoint.file ? ' and appended to the checkpoint file' : ' only (set FARAMESH_CHECKPOINT_FILE)'}`,
    );
  }
  return 0;
}

/** `audit keygen`: a new Ed25519 key pair for signing checkpoints. */
export async function auditKeygen(ctx: Context): Promise<number> {
  const { generateLedgerKey } = await import('@faramesh/server');
  const key = generateLedgerKey();
  if (ctx.json) ctx.out.json({ secret: key.secret, public: key.public, key_id: key.keyId });
  else {
    ctx.out.line(`FARAMESH_LEDGER_KEY=${key.secret}`);
    ctx.out.line(`# public key (give it to auditors: faramesh audit verify --key …): ${key.public}`);
    ctx.out.line(`# key id: ${key.keyId}`);
  }
  return 0;
}

/** `audit export`: the ledger as JSON lines on stdout, for a SIEM or cold storage. */
export async function auditExport(ctx: Context, options: { after?: number }): Promise<number> {
  let count = 0;
  for await (const event of ctx.client.auditExport({ after: options.after ?? 0 })) {
    ctx.out.jsonLine(event);
    count += 1;
  }
  ctx.out.status(`${count} events exported`);
  return 0;
}

export function registerAudit(program: Command, app: App): void {
  const audit = program.command('audit').description('the audit ledger: verify, checkpoint, keygen, export');
  audit
    .command('verify')
    .description('verify the hash chain, every action against its history, and the checkpoints (exit 1 if tampered)')
    .option('--db <path>', 'verify this SQLite file directly instead of asking the server')
    .option('--checkpoints <file>', 'with --db: also check against this checkpoint file (JSONL)')
    .option(
      '--key <key>',
      'with --db or --segment: verify signatures with this key (public or secret; default FARAMESH_LEDGER_KEY)',
    )
    .option(
      '--segment <file>',
      'verify an archive segment file offline (repeatable; a directory means its segment files)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (opts, cmd) => {
      app.exitCode = await auditVerify(app.context(cmd), opts);
    });
  audit
    .command('checkpoint')
    .description("verify the server's ledger up to its head and record a signed checkpoint (admin)")
    .action(async (_opts, cmd) => {
      app.exitCode = await auditCheckpoint(app.context(cmd));
    });
  audit
    .command('keygen')
    .description('print a new Ed25519 key pair for FARAMESH_LEDGER_KEY')
    .action(async (_opts, cmd) => {
      app.exitCode = await auditKeygen(app.context(cmd));
    });
  audit
    .command('export')
    .description('write the ledger as JSON lines (one event and its action snapshot per line)')
    .option('--after <seq>', 'only events after this ledger position', intOption('--after', 0, Number.MAX_SAFE_INTEGER))
    .action(async (opts, cmd) => {
      app.exitCode = await auditExport(app.context(cmd), opts);
    });
}
