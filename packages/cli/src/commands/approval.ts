import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { approvalProgress } from '../output/approval-progress.js';
import { paintStatus } from '../output/colour.js';
import { shortId } from '../output/format.js';
import { breakGlass } from './break-glass.js';

/** `approve`/`allow`/`deny <id>`: decides a pending action (approver or admin token). */
export async function decide(
  ctx: Context,
  id: string,
  approve: boolean,
  options: { reason?: string },
): Promise<number> {
  const call = approve ? ctx.client.approve.bind(ctx.client) : ctx.client.deny.bind(ctx.client);
  const action = await call(id, options.reason === undefined ? {} : { reason: options.reason });
  if (ctx.json) {
    ctx.out.json(action);
    return 0;
  }
  const verb = approve ? 'Approved' : 'Denied';
  const mark = approve ? ctx.out.c.green('✓') : ctx.out.c.red('✗');
  // A partial approval leaves the action pending: say how far the quorum got and whom it waits for.
  const progress = approvalProgress(action);
  const outcome =
    action.status === 'pending_approval' && progress !== null
      ? progress
      : `${paintStatus(ctx.out.c, action.status)}${approve && progress !== null ? ` (${progress})` : ''}`;
  ctx.out.line(`${mark} ${verb} ${shortId(action.id)} (${action.tool} ${action.operation}): ${outcome}`);
  return 0;
}

export function registerApproval(program: Command, app: App): void {
  program
    .command('approve')
    .alias('allow')
    .description('approve a pending action (id or prefix)')
    .argument('<id>', 'action id or prefix')
    .option('--reason <text>', 'why (recorded in the ledger; required with --break-glass)')
    .option('--break-glass', 'admins: approve now, past the approvers and quorum (opens a review)')
    .action(async (id, opts, cmd) => {
      const ctx = app.context(cmd);
      app.exitCode = opts.breakGlass === true ? await breakGlass(ctx, id, opts) : await decide(ctx, id, true, opts);
    });
  program
    .command('deny')
    .description('deny a pending action (id or prefix)')
    .argument('<id>', 'action id or prefix')
    .option('--reason <text>', 'why (recorded in the ledger)')
    .action(async (id, opts, cmd) => {
      app.exitCode = await decide(app.context(cmd), id, false, opts);
    });
}
