import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { paintDecision, paintStatus } from '../output/colour.js';
import { shortId } from '../output/format.js';
import { safeText } from '../output/safe-text.js';

/** `replay <id>`: submits the same call again under the current policy. */
export async function replay(ctx: Context, id: string): Promise<number> {
  const original = await ctx.client.getAction(id);
  const action = await ctx.client.replay(original.id);
  if (ctx.json) {
    ctx.out.json(action);
    return 0;
  }
  const { c } = ctx.out;
  ctx.out.success(`Replayed ${shortId(original.id)} as ${c.bold(action.id)}`);
  ctx.out.line(`  Status:   ${paintStatus(c, action.status)} (was ${paintStatus(c, original.status)})`);
  ctx.out.line(`  Decision: ${paintDecision(c, action.decision)} (was ${paintDecision(c, original.decision)})`);
  ctx.out.line(`  Reason:   ${safeText(action.reason ?? action.reason_code)}`);
  return 0;
}

export function registerReplay(program: Command, app: App): void {
  program
    .command('replay')
    .description('submit an action again under the current policy (new action, context.replay_of = original)')
    .argument('<id>', 'action id or prefix')
    .action(async (id, _opts, cmd) => {
      app.exitCode = await replay(app.context(cmd), id);
    });
}
