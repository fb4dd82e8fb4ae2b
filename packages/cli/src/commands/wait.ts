import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { intOption } from '../option-parsers.js';
import { paintStatus } from '../output/colour.js';
import { shortId } from '../output/format.js';
import { safeText } from '../output/safe-text.js';
import { createSpinner } from '../output/spinner.js';

const GO = new Set(['allowed', 'approved', 'executing', 'succeeded']);

/**
 * `wait <id>`: blocks until a pending action is decided (long-poll, no polling delay). Exit 0
 * when it may run (allowed/approved), 1 when denied, expired, cancelled or failed, or on timeout, so
 * scripts can write `faramesh wait $ID && deploy`.
 */
export async function wait(ctx: Context, id: string, options: { timeout?: number }): Promise<number> {
  const action = await ctx.client.getAction(id);
  const spinner = createSpinner(ctx.io);
  spinner.start(
    `waiting for a decision on ${shortId(action.id)} (${safeText(action.tool)} ${safeText(action.operation)})`,
  );
  let decided: typeof action;
  try {
    decided = await ctx.client.waitForDecision(action.id, { timeoutMs: (options.timeout ?? 300) * 1000 });
  } finally {
    spinner.stop();
  }
  if (ctx.json) ctx.out.json(decided);
  else ctx.out.line(`${shortId(decided.id)} ${paintStatus(ctx.out.c, decided.status)}`);
  return GO.has(decided.status) ? 0 : 1;
}

export function registerWait(program: Command, app: App): void {
  program
    .command('wait')
    .description('wait until an action is decided; exit 0 if it may run, 1 if denied/expired or on timeout')
    .argument('<id>', 'action id or prefix')
    .option('--timeout <seconds>', 'give up after this long (default 300)', intOption('--timeout', 0, 86_400))
    .action(async (id, opts, cmd) => {
      app.exitCode = await wait(app.context(cmd), id, opts);
    });
}
