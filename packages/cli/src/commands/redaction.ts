import type { Command } from '@commander-js/extra-typings';
import { resolveRedactionKey } from '@faramesh/server/redaction';
import type { App } from '../app.js';
import { CliError, UsageError } from '../cli-error.js';
import { readDotenv } from '../config/dotenv.js';
import type { Context } from '../context.js';

/**
 * `redaction digest <value>`: the digest a server with the same FARAMESH_REDACTION_KEY stores in
 * place of `value` at a `redact:` path, so whoever holds a secret can find or prove it in the
 * ledger without the server ever keeping it. The value is a string unless `--json` says it is JSON.
 */
export function redactionDigestCommand(ctx: Context, value: string, options: { jsonValue?: boolean }): number {
  let parsed: unknown = value;
  if (options.jsonValue === true) {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new UsageError(`--json-value: ${value} is not JSON (${(error as Error).message})`);
    }
  }
  const problems: string[] = [];
  const raw = ctx.io.env.FARAMESH_REDACTION_KEY || readDotenv(ctx.io.cwd).FARAMESH_REDACTION_KEY;
  const key = resolveRedactionKey(raw || undefined, problems);
  if (key === null) {
    throw new CliError(
      problems[0] ?? 'FARAMESH_REDACTION_KEY is not set (the environment or .env): it is the server key',
    );
  }
  const digest = key.digest(parsed);
  if (ctx.json) ctx.out.json({ digest });
  else ctx.out.line(digest);
  return 0;
}

export function registerRedaction(program: Command, app: App): void {
  const group = program.command('redaction').description('digests of redacted values (FARAMESH_REDACTION_KEY)');
  group
    .command('digest')
    .description('print the digest stored in place of VALUE at a `redact:` path (same key as the server)')
    .argument('<value>', 'the secret value (a string, or JSON with --json-value)')
    .option('--json-value', 'read VALUE as JSON (a number, object, …) rather than as a string')
    .action((value, opts, cmd) => {
      app.exitCode = redactionDigestCommand(app.context(cmd), value, opts);
    });
}
