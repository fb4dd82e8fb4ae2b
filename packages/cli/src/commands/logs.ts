import type { Command } from '@commander-js/extra-typings';
import { type ActionEvent, isTerminal, STATUS_AFTER_EVENT, type Status } from '@faramesh/contract';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { interruptSignal } from '../io.js';
import { paintStatus } from '../output/colour.js';
import { formatDateTime, inlineJson, shortId, truncate } from '../output/format.js';
import { safeText } from '../output/safe-text.js';
import { pad } from '../output/table.js';

/** One status change derived from a ledger event. */
export interface Transition {
  seq: number;
  at: string;
  event_type: string;
  from: Status | null;
  to: Status | null;
  detail: string;
}

const DECISION_STATUS: Record<string, Status> = {
  allow: 'allowed',
  deny: 'denied',
  require_approval: 'pending_approval',
};

/** Replays the ledger events into status transitions (created → decided → approved → …). */
export function transitions(events: ActionEvent[], start: Status | null = null): Transition[] {
  let current = start;
  return events.map((e) => {
    const meta = e.meta as Record<string, unknown>;
    let to: Status | null = null;
    if (e.event_type === 'decision_made') {
      to =
        (typeof meta.status === 'string' ? (meta.status as Status) : undefined) ??
        DECISION_STATUS[String(meta.decision)] ??
        null;
    } else {
      to = STATUS_AFTER_EVENT[e.event_type] ?? null;
    }
    const from = current;
    if (to !== null) current = to;
    return { seq: e.seq, at: e.created_at, event_type: e.event_type, from, to, detail: describe(e) };
  });
}

function describe(e: ActionEvent): string {
  const meta = e.meta as Record<string, unknown>;
  const who = [meta.by, meta.decided_by, meta.actor, meta.agent_id].find((v) => typeof v === 'string');
  const why = [meta.reason, meta.error].find((v) => typeof v === 'string' && v !== '');
  const parts: string[] = [];
  if (e.event_type === 'decision_made' && typeof meta.decision === 'string') parts.push(`decision ${meta.decision}`);
  if (who) parts.push(`by ${String(who)}`);
  if (why) parts.push(String(why));
  if (parts.length === 0 && Object.keys(meta).length > 0) parts.push(truncate(inlineJson(meta), 60));
  return parts.join(': ');
}

/** `logs <id>`: the action's status transitions; `--follow` waits for new ones until it ends. */
export async function logs(ctx: Context, id: string, options: { follow?: boolean }): Promise<number> {
  const action = await ctx.client.getAction(id);
  const events = await ctx.client.getEvents(action.id);
  const list = transitions(events);
  const { c } = ctx.out;
  const print = (t: Transition): void => {
    if (ctx.json) {
      ctx.out.jsonLine(t);
      return;
    }
    const change =
      t.to === null
        ? t.event_type === 'created'
          ? 'submitted'
          : safeText(t.event_type)
        : t.from === null || t.from === t.to
          ? `→ ${paintStatus(c, t.to)}`
          : `${paintStatus(c, t.from)} → ${paintStatus(c, t.to)}`;
    // The detail quotes agents and people (who, why): marked here, raw in --json.
    ctx.out.line(`${formatDateTime(t.at)}  ${pad(change, 36)} ${safeText(t.detail)}`.trimEnd());
  };
  if (ctx.json && !options.follow) {
    ctx.out.json(list);
    return 0;
  }
  if (!ctx.json) {
    ctx.out.line(`Status transitions - ${shortId(action.id)} (${safeText(action.tool)} ${safeText(action.operation)})`);
  }
  for (const t of list) print(t);
  if (!options.follow || isTerminal(action.status)) return 0;

  const last = events.at(-1);
  let status: Status | null = list.findLast((t) => t.to !== null)?.to ?? null;
  ctx.out.status(`following ${shortId(action.id)} until it ends (CTRL+C to stop)...`);
  for await (const frame of ctx.client.stream({
    filters: { action_id: action.id },
    signal: interruptSignal(ctx.io),
    ...(last ? { lastEventId: last.seq } : {}),
  })) {
    const [t] = transitions([frame.data.event], status);
    if (!t) continue;
    if (t.to !== null) status = t.to;
    print(t);
    if (isTerminal(frame.data.action.status)) break;
  }
  return 0;
}

export function registerLogs(program: Command, app: App): void {
  program
    .command('logs')
    .description('show the status transitions of an action')
    .argument('<id>', 'action id or prefix')
    .option('-f, --follow', 'keep following new transitions until the action ends')
    .action(async (id, opts, cmd) => {
      app.exitCode = await logs(app.context(cmd), id, opts);
    });
}
