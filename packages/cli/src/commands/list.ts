import { type Command, Option } from '@commander-js/extra-typings';
import { type ActionList, type ListActionsQuery, RISK_LEVELS, STATUSES } from '@faramesh/contract';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { choiceOption, dateOption, intOption } from '../option-parsers.js';
import { LIST_HEAD, listRow } from '../output/action-view.js';

export interface ListOptions extends Omit<ListActionsQuery, 'agent_id' | 'risk_level' | 'q'> {
  full?: boolean;
  all?: boolean;
  agent?: string;
  risk?: ListActionsQuery['risk_level'];
  search?: string;
  mine?: boolean;
}

/** `list`: a page of actions (newest first), or every page with --all. */
export async function list(ctx: Context, options: ListOptions): Promise<number> {
  const query: ListActionsQuery = { limit: options.limit ?? (options.all ? 500 : 20) };
  if (options.offset !== undefined) query.offset = options.offset;
  if (options.status !== undefined) query.status = options.status;
  if (options.tool !== undefined) query.tool = options.tool;
  if (options.agent !== undefined) query.agent_id = options.agent;
  if (options.risk !== undefined) query.risk_level = options.risk;
  if (options.since !== undefined) query.since = options.since;
  if (options.until !== undefined) query.until = options.until;
  if (options.search !== undefined) query.q = options.search;
  // The server decides who may decide (approvers, quorum, escalation): "waiting for me".
  if (options.mine === true) query.awaiting = 'me';

  let page = await ctx.client.listActions(query);
  const result: ActionList = { ...page, items: [...page.items] };
  while (options.all && page.next_cursor) {
    const { offset: _offset, ...rest } = query;
    page = await ctx.client.listActions({ ...rest, cursor: page.next_cursor });
    result.items.push(...page.items);
    result.next_cursor = page.next_cursor;
  }

  if (ctx.json) {
    ctx.out.json(result);
    return 0;
  }
  if (result.items.length === 0) {
    ctx.out.line(options.mine === true ? 'Nothing is waiting for you.' : 'No actions found.');
    return 0;
  }
  ctx.out.table(
    LIST_HEAD,
    result.items.map((a) => listRow(a, ctx.out.c, options.full === true)),
  );
  const first = result.offset + 1;
  const last = result.offset + result.items.length;
  if (!options.all && last < result.total) {
    ctx.out.status(`Showing ${first}-${last} of ${result.total} actions (--limit, --offset or --all for more)`);
  }
  return 0;
}

export function registerList(program: Command, app: App): void {
  program
    .command('list')
    .alias('ls')
    .description('list actions, newest first (truncated ids, colour-coded)')
    .option('--full', 'show full UUIDs and whole summaries')
    .option('--limit <n>', 'actions per page (1-500, default 20)', intOption('--limit', 1, 500))
    .option('--offset <n>', 'skip this many actions', intOption('--offset', 0, 10_000_000))
    .option('--all', 'fetch every page (for exports: `faramesh list --all --json`)')
    .addOption(new Option('--status <status>', 'only this status').argParser(choiceOption('--status', STATUSES)))
    .option('--tool <tool>', 'only this tool')
    .option('--agent <agent_id>', 'only this agent')
    .addOption(new Option('--risk <level>', 'only this risk level').argParser(choiceOption('--risk', RISK_LEVELS)))
    .option('--since <date>', 'created at or after (ISO 8601)', dateOption('--since'))
    .option('--until <date>', 'created before (ISO 8601)', dateOption('--until'))
    .option('-q, --search <text>', 'id prefix, or text in agent, tool, operation, params or context (any case)')
    .option('--mine', 'only pending actions you may approve or deny now (waiting for you)')
    .action(async (opts, cmd) => {
      app.exitCode = await list(app.context(cmd), opts as ListOptions);
    });
}
