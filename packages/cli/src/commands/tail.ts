import { type Command, Option } from '@commander-js/extra-typings';
import { STATUSES, type Status, type StreamQuery } from '@faramesh/contract';
import type { StreamEvent, StreamStatus } from '@faramesh/sdk';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { interruptSignal } from '../io.js';
import { choiceOption, intOption } from '../option-parsers.js';
import { paintStatus } from '../output/colour.js';
import { formatClock, shortId } from '../output/format.js';
import { LiveStatus } from '../output/live-status.js';
import { safeText } from '../output/safe-text.js';
import { pad } from '../output/table.js';

export interface TailOptions {
  status?: Status;
  tool?: string;
  agent?: string;
  action?: string;
  sinceId?: number;
  count?: number;
  allEvents?: boolean;
  full?: boolean;
}

/**
 * `tail`: follows the live event stream like `kubectl logs -f`. Reconnects after a disconnect and
 * resumes from the last event received, so nothing is lost; shows a status line meanwhile.
 */
export async function tail(ctx: Context, options: TailOptions): Promise<number> {
  const signal = interruptSignal(ctx.io);
  const filters: StreamQuery = {};
  if (options.status !== undefined) filters.status = options.status;
  if (options.tool !== undefined) filters.tool = options.tool;
  if (options.agent !== undefined) filters.agent_id = options.agent;
  if (options.action !== undefined) filters.action_id = (await ctx.client.getAction(options.action)).id;

  const live = new LiveStatus(ctx.io);
  if (!ctx.json) ctx.out.status('Streaming actions (press CTRL+C to stop)...\n');
  let reconnecting = false;
  const onStatus = (s: StreamStatus): void => {
    if (s.state === 'reconnecting') {
      reconnecting = true;
      live.show(
        `connection to ${s.url} lost; reconnecting in ${(s.delayMs / 1000).toFixed(1)}s (attempt ${s.attempt})...`,
      );
    } else if (s.state === 'open' && reconnecting) {
      reconnecting = false;
      live.show('reconnected; resuming where the stream stopped');
      live.clear();
    }
  };

  let seen = 0;
  const stream = ctx.client.stream({
    filters,
    signal,
    onStatus,
    ...(options.sinceId !== undefined ? { lastEventId: options.sinceId } : {}),
  });
  for await (const frame of stream) {
    if (!ctx.json && !options.allEvents && frame.data.event.event_type === 'created') continue;
    live.clear();
    if (ctx.json) ctx.out.jsonLine(frame);
    else ctx.out.line(tailLine(frame, ctx.out.c, options.full === true));
    seen++;
    if (options.count !== undefined && seen >= options.count) break;
  }
  live.clear();
  return 0;
}

/** `[10:00:15] pending_approval  2755d4a8 | shell      | run`, the seed's format. */
export function tailLine(frame: StreamEvent, c: Parameters<typeof paintStatus>[0], full: boolean): string {
  const { action, event } = frame.data;
  const status = pad(paintStatus(c, action.status), 17);
  const id = full ? action.id : shortId(action.id);
  return `[${formatClock(event.created_at)}] ${status} ${id} | ${safeText(action.tool).padEnd(10)} | ${safeText(action.operation)}`;
}

export function registerTail(program: Command, app: App): void {
  program
    .command('tail')
    .description('stream live actions (SSE, like kubectl logs -f); reconnects and resumes')
    .addOption(
      new Option('--status <status>', 'only actions now in this status').argParser(choiceOption('--status', STATUSES)),
    )
    .option('--tool <tool>', 'only this tool')
    .option('--agent <agent_id>', 'only this agent')
    .option('--action <id>', 'only this action (id or prefix)')
    .option(
      '--since-id <seq>',
      'replay events after this ledger sequence number first',
      intOption('--since-id', 0, Number.MAX_SAFE_INTEGER),
    )
    .option('-n, --count <n>', 'exit after this many events', intOption('--count', 1, Number.MAX_SAFE_INTEGER))
    .option('--all-events', 'also show `created` events (each submission is shown once by default)')
    .option('--full', 'show full UUIDs')
    .action(async (opts, cmd) => {
      app.exitCode = await tail(app.context(cmd), opts);
    });
}
