import type { Command } from '@commander-js/extra-typings';
import { resolveRedactionKey } from '@faramesh/server/redaction';
import type { App } from '../app.js';
import { CliError, UsageError } from '../cli-error.js';
import { readDotenv } from '../config/dotenv.js';
import type { Context } from '../context.js';
import { readStdin } from '../io.js';

export interface RedactionDigestOptions {
  jsonValue?: boolean;
  stdin?: boolean;
}

/**
 * `redaction digest <value>` or `redaction digest --stdin`: the digest a server with the same
 * FARAMESH_REDACTION_KEY stores in place of the value at a `redact:` path, so whoever holds a secret
 * can find or prove it in the ledger without the server ever keeping it. The value is a string
 * unless `--json-value` says it is JSON. The id of the key used goes beside it (stderr, or `key_id`
 * in JSON), to compare with the `redaction_key_id` of the action's `created` event: a digest made
 * with another key never matches.
 */
export async function redactionDigestCommand(
  ctx: Context,
  argument: string | undefined,
  options: RedactionDigestOptions,
): Promise<number> {
  const value = await digestInput(ctx, argument, options.stdin === true);
  let parsed: unknown = value;
  if (options.jsonValue === true) {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      // The value is a secret: the message never quotes it.
      throw new UsageError(`--json-value: the value is not JSON (${(error as Error).message})`);
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
  if (ctx.json) {
    ctx.out.json({ digest, key_id: key.id });
    return 0;
  }
  // stdout stays the digest alone, for `$(faramesh redaction digest --stdin)`.
  ctx.out.line(digest);
  ctx.out.warn(`key id ${key.id}`);
  return 0;
}

/**
 * The value to digest: the argument, or with `--stdin` everything on standard input less one final
 * line break (`\n` or `\r\n`), so `echo "$SECRET" |` and `printf '%s' "$SECRET" |` give the same
 * value. A value that really ends in a line break is given as JSON: `--json-value` with `"…\n"`.
 */
async function digestInput(ctx: Context, argument: string | undefined, fromStdin: boolean): Promise<string> {
  if (fromStdin && argument !== undefined) {
    throw new UsageError('give the value either as VALUE or on stdin with --stdin, not both');
  }
  if (!fromStdin) {
    if (argument === undefined)
      throw new UsageError('missing VALUE: give it as an argument, or pipe it in with --stdin');
    return argument;
  }
  let text: string | null;
  try {
    text = await readStdin(ctx.io);
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError('--stdin: the input is not UTF-8 text');
    throw error;
  }
  if (text === null || text === '') {
    throw new UsageError('--stdin: nothing on standard input (pipe the value in: printf \'%s\' "$SECRET" | …)');
  }
  return text.replace(/\r?\n$/, '');
}

export function registerRedaction(program: Command, app: App): void {
  const group = program.command('redaction').description('digests of redacted values (FARAMESH_REDACTION_KEY)');
  group
    .command('digest')
    .description(
      'print the digest stored in place of VALUE at a `redact:` path (same key as the server) and the id of that key; --stdin keeps the secret out of ps and shell history',
    )
    .argument('[value]', 'the secret value (a string, or JSON with --json-value); omit it with --stdin')
    .option('--json-value', 'read the value as JSON (a number, object, …) rather than as a string')
    .option(
      '--stdin',
      'read the value from standard input instead: all of it, less one final line break (\\n or \\r\\n), so echo and printf give the same value',
    )
    .action(async (value, opts, cmd) => {
      app.exitCode = await redactionDigestCommand(app.context(cmd), value, opts);
    });
}
