import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { paintStatus } from '../output/colour.js';
import { shortId } from '../output/format.js';
import { safeText } from '../output/safe-text.js';

/**
 * `cancel <id>`: withdraws an action that has not started (pending, allowed or approved). The server
 * lets its submitter or an admin do it; the prefix is resolved first, as for `approve`.
 */
export async function cancel(ctx: Context, id: string, options: { reason?: string }): Promise<number> {
  const target = await ctx.client.getAction(id);
  const action = await ctx.client.cancelAction(
    target.id,
    options.reason === undefined ? {} : { reason: options.reason },
  );
  if (ctx.json) {
    ctx.out.json(action);
    return 0;
  }
  const { c } = ctx.out;
  ctx.out.line(
    `${c.dim('⊘')} Cancelled ${shortId(action.id)} (${safeText(action.tool)} ${safeText(action.operation)}): ${paintStatus(c, target.status)} → ${paintStatus(c, action.status)}`,
  );
  return 0;
}

export function registerCancel(program: Command, app: App): void {
  program
    .command('cancel')
    .description('withdraw an action that has not started (its submitter or an admin)')
    .argument('<id>', 'action id or prefix')
    .option('--reason <text>', 'why (recorded in the ledger)')
    .action(async (id, opts, cmd) => {
      app.exitCode = await cancel(app.context(cmd), id, opts);
    });
}
