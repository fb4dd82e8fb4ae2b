import type { Command } from '@commander-js/extra-typings';
import type { LedgerAudit } from '@faramesh/contract';
import type { App } from '../app.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { intOption } from '../option-parsers.js';

/**
 * `audit verify`: recomputes the whole hash-chained ledger, on the server or, with `--db`, straight
 * from a SQLite file (no server needed: useful on a copy or a backup). Exit 1 when it doesn't verify.
 */
export async function auditVerify(ctx: Context, options: { db?: string }): Promise<number> {
  const result = options.db === undefined ? await ctx.client.auditVerify() : await verifyFile(options.db);
  if (ctx.json) ctx.out.json(result);
  else if (result.ok) {
    const head = result.head === null ? 'empty ledger' : `head seq ${result.head.seq} ${result.head.hash}`;
    ctx.out.success(`Ledger verifies: ${result.events} events, ${head}`);
    if (result.head !== null)
      ctx.out.line('  Keep the head elsewhere: a later verify with a shorter head means events were cut.');
  } else {
    ctx.out.warn(`${ctx.out.ce.red('✗')} Ledger does NOT verify at event ${result.seq}: ${result.reason}`);
    ctx.out.warn(`  ${result.events} events before it verified.`);
  }
  return result.ok ? 0 : 1;
}

async function verifyFile(path: string): Promise<LedgerAudit> {
  const { createSqliteStore } = await import('@faramesh/store');
  const { auditLedger } = await import('@faramesh/server');
  let store: ReturnType<typeof createSqliteStore>;
  try {
    store = createSqliteStore({ path });
  } catch (err) {
    throw new CliError(`cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    return await auditLedger(store);
  } finally {
    await store.close().catch(() => {});
  }
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
  const audit = program.command('audit').description('the hash-chained audit ledger: verify, export');
  audit
    .command('verify')
    .description('recompute every hash and link of the ledger (exit 1 if it was edited)')
    .option('--db <path>', 'verify this SQLite file directly instead of asking the server')
    .action(async (opts, cmd) => {
      app.exitCode = await auditVerify(app.context(cmd), opts);
    });
  audit
    .command('export')
    .description('write the ledger as JSON lines (one event and its action snapshot per line)')
    .option('--after <seq>', 'only events after this ledger position', intOption('--after', 0, Number.MAX_SAFE_INTEGER))
    .action(async (opts, cmd) => {
      app.exitCode = await auditExport(app.context(cmd), opts);
    });
}
