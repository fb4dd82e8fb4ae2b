import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { actionDetail } from '../output/action-view.js';

/** `get <id>`: one action by id or id prefix. */
export async function get(ctx: Context, id: string): Promise<number> {
  const action = await ctx.client.getAction(id);
  if (ctx.json) {
    ctx.out.json(action);
    return 0;
  }
  ctx.out.line(`Action ${ctx.out.c.bold(action.id)}`);
  ctx.out.line();
  for (const line of actionDetail(action, ctx.out.c)) ctx.out.line(line);
  return 0;
}

export function registerGet(program: Command, app: App): void {
  program
    .command('get')
    .description('show one action (full id or prefix, e.g. 2755d4a8)')
    .argument('<id>', 'action id or prefix')
    .action(async (id, _opts, cmd) => {
      app.exitCode = await get(app.context(cmd), id);
    });
}
