import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { intOption } from '../option-parsers.js';
import { approvalProgress } from '../output/approval-progress.js';
import { paintStatus } from '../output/colour.js';
import { shortId } from '../output/format.js';
import { safeText } from '../output/safe-text.js';
import { breakGlass } from './break-glass.js';
import { describeScope, type GrantOptions, grantRequest, refuseGrantOptions, usesText } from './grant-options.js';

/** `approve`/`allow`/`deny <id>`: decides a pending action (approver or admin token). */
export async function decide(
  ctx: Context,
  id: string,
  approve: boolean,
  options: { reason?: string } & GrantOptions,
): Promise<number> {
  const grant = approve ? await grantRequest(ctx, id, options) : refuseGrantOptions(options);
  const call = approve ? ctx.client.approve.bind(ctx.client) : ctx.client.deny.bind(ctx.client);
  const action = await call(id, {
    ...(options.reason !== undefined && { reason: options.reason }),
    ...(grant !== null && { grant }),
  });
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
  ctx.out.line(
    `${mark} ${verb} ${shortId(action.id)} (${safeText(action.tool)} ${safeText(action.operation)}): ${outcome}`,
  );
  if (grant !== null && action.status === 'approved') {
    ctx.out.line(`  also allowed for ${options.grantFor}: ${describeScope(grant.scope)}${usesText(grant)}`);
  }
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
    .option('--grant-for <duration>', 'also allow calls like this one for this long: 30m, 2h (a standing grant)')
    .option('--grant-uses <n>', 'with --grant-for: at most this many calls', intOption('--grant-uses', 1, 1_000_000))
    .option('--grant-scope <json>', 'with --grant-for: the scope as JSON, tightened from `faramesh grants propose ID`')
    .option('--grant-high-risk', 'with --grant-for: also cover high-risk calls (admins only)')
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
