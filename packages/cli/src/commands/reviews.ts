import type { Command } from '@commander-js/extra-typings';
import type { Review } from '@faramesh/contract';
import type { App } from '../app.js';
import { UsageError } from '../cli-error.js';
import type { Context } from '../context.js';
import { shortId } from '../output/format.js';
import { safeText } from '../output/safe-text.js';

const STATUSES = ['open', 'acknowledged', 'all'] as const;

/** `reviews list`: break-glass approvals to review, newest first (open ones unless --status says). */
export async function listReviews(ctx: Context, options: { status?: string; limit?: string }): Promise<number> {
  const status = options.status ?? 'open';
  if (!(STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${status}"`);
  }
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 500)) {
    throw new UsageError(`--limit must be an integer from 1 to 500, got "${options.limit}"`);
  }
  const { items } = await ctx.client.listReviews({
    status: status as (typeof STATUSES)[number],
    ...(limit !== undefined && { limit }),
  });
  if (ctx.json) {
    ctx.out.json(items);
    return 0;
  }
  if (items.length === 0) {
    ctx.out.line(status === 'open' ? 'No break-glass approval waits for review.' : 'No break-glass approvals.');
    return 0;
  }
  for (const review of items) ctx.out.line(reviewLine(ctx, review));
  return 0;
}

function reviewLine(ctx: Context, review: Review): string {
  const { c } = ctx.out;
  const state =
    review.status === 'open' ? c.yellow('open') : c.green(`acknowledged by ${safeText(review.acknowledged_by ?? '?')}`);
  const what = `${safeText(review.action.tool)} ${safeText(review.action.operation)}`;
  // The reason and the names are people's and agents' words: marked, never raw (one review, one line).
  return `${shortId(review.action_id)}  ${state}  broken by ${safeText(review.opened_by)} at ${safeText(review.opened_at)}  ${what}  reason: ${safeText(review.reason)}`;
}

/** `reviews ack <id>`: acknowledges the review of a break-glass approval (id or prefix). */
export async function acknowledgeReview(ctx: Context, id: string, options: { note?: string }): Promise<number> {
  const target = await ctx.client.getAction(id);
  const action = await ctx.client.acknowledgeReview(
    target.id,
    options.note === undefined ? {} : { note: options.note },
  );
  if (ctx.json) {
    ctx.out.json(action);
    return 0;
  }
  ctx.out.line(
    `${ctx.out.c.green('✓')} Acknowledged the break-glass review of ${shortId(action.id)} (${safeText(action.tool)} ${safeText(action.operation)}, broken by ${safeText(action.break_glass?.by ?? '?')})`,
  );
  return 0;
}

export function registerReviews(program: Command, app: App): void {
  const group = program.command('reviews').description('break-glass approvals waiting for another approver');
  group
    .command('list')
    .description('list break-glass approvals to review, newest first')
    .option('--status <status>', 'open (default), acknowledged or all')
    .option('--limit <n>', 'at most this many (1-500, default 100)')
    .action(async (opts, cmd) => {
      app.exitCode = await listReviews(app.context(cmd), opts);
    });
  group
    .command('ack')
    .description('acknowledge the review of a break-glass approval (not who broke the glass)')
    .argument('<id>', 'action id or prefix')
    .option('--note <text>', 'what you checked (recorded in the ledger)')
    .action(async (id, opts, cmd) => {
      app.exitCode = await acknowledgeReview(app.context(cmd), id, opts);
    });
}
