import type { Command } from '@commander-js/extra-typings';
import type { Notification } from '@faramesh/contract';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { choiceOption } from '../option-parsers.js';
import { formatDateTime, shortId } from '../output/format.js';
import { safeText } from '../output/safe-text.js';

const STATES = ['queued', 'delivered', 'dead'] as const;

function showNotifications(ctx: Context, items: Notification[]): void {
  const { c } = ctx.out;
  const paint = (n: Notification) =>
    n.state === 'delivered' ? c.green(n.state) : n.state === 'dead' ? c.red(n.state) : c.yellow(n.state);
  ctx.out.table(
    ['ID', 'CHANNEL', 'EVENT', 'ACTION', 'STATE', 'ATTEMPTS', 'LAST ERROR', 'CREATED'],
    items.map((n) => [
      safeText(n.id),
      safeText(n.channel),
      safeText(n.event_type),
      n.action_id === null ? c.dim('-') : shortId(n.action_id),
      paint(n),
      String(n.attempts),
      // A delivery error quotes what the receiving end answered: marked, never raw.
      n.last_error === null ? c.dim('-') : safeText(n.last_error),
      formatDateTime(n.created_at),
    ]),
  );
}

/** `outbox list [--state dead] [--action ID]`: notifications and their delivery state. */
export async function listOutbox(
  ctx: Context,
  options: { state?: string; action?: string; limit?: string },
): Promise<number> {
  const limit = options.limit === undefined ? 50 : Number(options.limit);
  const { items } =
    options.action === undefined
      ? await ctx.client.listNotifications({ ...(options.state && { state: options.state }), limit })
      : await ctx.client.actionNotifications((await ctx.client.getAction(options.action)).id);
  if (ctx.json) {
    ctx.out.json(items);
    return 0;
  }
  if (items.length === 0) {
    ctx.out.line('No notifications.');
    return 0;
  }
  showNotifications(ctx, items);
  return 0;
}

/** `outbox retry ID`: re-drives a dead notification. */
export async function retryOutbox(ctx: Context, id: string): Promise<number> {
  const retried = await ctx.client.retryNotification(id);
  if (ctx.json) ctx.out.json(retried);
  else ctx.out.success(`Re-queued ${safeText(retried.id)} to ${safeText(retried.channel)}`);
  return 0;
}

/** `channels test NAME`: queues a test message; its delivery shows in `outbox list`. */
export async function testChannel(ctx: Context, name: string): Promise<number> {
  const queued = await ctx.client.testChannel(name);
  if (ctx.json) ctx.out.json(queued);
  else
    ctx.out.success(`Queued test message ${safeText(queued.id)} to ${safeText(name)} (see \`faramesh outbox list\`)`);
  return 0;
}

export function registerOutbox(program: Command, app: App): void {
  const outbox = program.command('outbox').description('notifications: delivery state, re-drive dead ones (admin)');
  outbox
    .command('list')
    .alias('ls')
    .description('notifications, newest first')
    .option('--state <state>', 'queued, delivered or dead', choiceOption('--state', STATES))
    .option('--action <id>', "one action's notifications (approver, admin)")
    .option('--limit <n>', 'at most this many (1-500)', '50')
    .action(async (opts, cmd) => {
      app.exitCode = await listOutbox(app.context(cmd), opts);
    });
  outbox
    .command('retry')
    .description('re-drive a dead notification')
    .argument('<id>', 'notification id (msg_…)')
    .action(async (id, _opts, cmd) => {
      app.exitCode = await retryOutbox(app.context(cmd), id);
    });
  const channels = program.command('channels').description('notification channels (FARAMESH_CHANNELS_FILE)');
  channels
    .command('test')
    .description('send a test message to a channel (admin)')
    .argument('<name>', 'channel name')
    .action(async (name, _opts, cmd) => {
      app.exitCode = await testChannel(app.context(cmd), name);
    });
}
