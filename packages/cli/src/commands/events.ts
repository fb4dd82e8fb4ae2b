import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { formatDateTime, inlineJson, shortId, truncate } from '../output/format.js';
import { safeText } from '../output/safe-text.js';

/** `events <id>`: the action's ledger timeline. */
export async function events(ctx: Context, id: string, options: { full?: boolean }): Promise<number> {
  // Resolve a prefix once so the title shows which action this is.
  const action = await ctx.client.getAction(id);
  const list = await ctx.client.getEvents(action.id);
  if (ctx.json) {
    ctx.out.json(list);
    return 0;
  }
  ctx.out.line(`Event Timeline - ${options.full ? action.id : shortId(action.id)}`);
  ctx.out.table(
    ['Time', 'Event', 'Details'],
    list.map((e) => [
      formatDateTime(e.created_at),
      safeText(e.event_type),
      // Event details hold reasons, errors and notes as written: marked, never raw.
      safeText(options.full ? inlineJson(e.meta) : truncate(inlineJson(e.meta), 60)),
    ]),
  );
  return 0;
}

export function registerEvents(program: Command, app: App): void {
  program
    .command('events')
    .description('show the event timeline (audit ledger) of an action')
    .argument('<id>', 'action id or prefix')
    .option('--full', 'show full event details')
    .action(async (id, opts, cmd) => {
      app.exitCode = await events(app.context(cmd), id, opts);
    });
}
