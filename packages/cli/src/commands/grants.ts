import type { Command } from '@commander-js/extra-typings';
import type { Grant } from '@faramesh/contract';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { formatDateTime, shortId } from '../output/format.js';
import { escapedJson, safeText } from '../output/safe-text.js';
import { resolveGrantId } from './grant-id.js';
import { describeScope } from './grant-options.js';

/** `grants list [--all]`: standing grants, newest first (approver, admin). */
export async function listGrants(ctx: Context, options: { all?: boolean; limit?: number }): Promise<number> {
  const page = await ctx.client.listGrants({ state: options.all ? 'all' : 'active', limit: options.limit ?? 100 });
  if (ctx.json) {
    ctx.out.json(page.items);
    return 0;
  }
  if (page.items.length === 0) {
    ctx.out.line(options.all ? 'No grants.' : 'No active grants. Make one with `faramesh approve ID --grant-for 2h`.');
    return 0;
  }
  ctx.out.table(
    ['ID', 'STATE', 'SCOPE', 'USES', 'EXPIRES', 'BY'],
    page.items.map((grant) => [
      shortId(grant.id),
      paintState(ctx, grant),
      describeScope(grant.scope),
      grant.max_uses === null ? String(grant.uses) : `${grant.uses}/${grant.max_uses}`,
      formatDateTime(grant.expires_at),
      safeText(grant.created_by.map((c) => c.name).join(', ')),
    ]),
  );
  return 0;
}

/** `grants show ID`: one grant in full. */
export async function showGrant(ctx: Context, id: string): Promise<number> {
  const grant = await ctx.client.getGrant(await resolveGrantId(ctx, id));
  if (ctx.json) {
    ctx.out.json(grant);
    return 0;
  }
  const rows: Array<[string, string]> = [
    ['id', grant.id],
    ['state', paintState(ctx, grant)],
    ['scope', describeScope(grant.scope)],
    ['high risk', grant.high_risk ? 'covered' : 'not covered'],
    ['made by', safeText(grant.created_by.map((c) => `${c.name} (${c.role})`).join(', '))],
    ['approving', safeText(grant.action_id)],
    ['created', formatDateTime(grant.created_at)],
    ['expires', formatDateTime(grant.expires_at)],
    ['uses', grant.max_uses === null ? `${grant.uses} (no limit)` : `${grant.uses} of ${grant.max_uses}`],
  ];
  if (grant.revoked_at !== null) {
    rows.push([
      'revoked',
      `${formatDateTime(grant.revoked_at)} by ${safeText(grant.revoked_by ?? '?')}${grant.revoke_reason ? `: ${safeText(grant.revoke_reason)}` : ''}`,
    ]);
  }
  for (const [key, value] of rows) ctx.out.line(`${`${key}:`.padEnd(11)}${value}`);
  ctx.out.line(`scope JSON: ${escapedJson(grant.scope)}`);
  return 0;
}

/** `grants revoke ID`: every replica stops using it at once. */
export async function revokeGrant(ctx: Context, id: string, options: { reason?: string }): Promise<number> {
  const grant = await ctx.client.revokeGrant(await resolveGrantId(ctx, id), options.reason);
  if (ctx.json) {
    ctx.out.json(grant);
    return 0;
  }
  ctx.out.success(
    `Revoked grant ${shortId(grant.id)} (${describeScope(grant.scope)}) at ${formatDateTime(grant.revoked_at ?? '')} by ${safeText(grant.revoked_by ?? '?')}`,
  );
  return 0;
}

/** `grants propose ACTION`: the scope `approve --grant-for` would use, as JSON to tighten for --grant-scope. */
export async function proposeGrant(ctx: Context, id: string): Promise<number> {
  const proposal = await ctx.client.grantProposal(id);
  // The scope quotes the agent's params: JSON escapes keep it pasteable and exact, and the terminal safe.
  ctx.out.line(escapedJson(proposal.scope));
  return 0;
}

function paintState(ctx: Context, grant: Grant): string {
  const { c } = ctx.out;
  return grant.state === 'active'
    ? c.green(grant.state)
    : grant.state === 'revoked'
      ? c.red(grant.state)
      : c.yellow(grant.state);
}

export function registerGrants(program: Command, app: App): void {
  const group = program.command('grants').description('standing grants: list, show, revoke (approver, admin)');
  group
    .command('list')
    .description('active standing grants (--all: also used up, expired and revoked ones)')
    .option('--all', 'every grant, not only active ones')
    .action(async (opts, cmd) => {
      app.exitCode = await listGrants(app.context(cmd), opts);
    });
  group
    .command('show')
    .description('one standing grant')
    .argument('<id>', 'grant id or prefix')
    .action(async (id, _opts, cmd) => {
      app.exitCode = await showGrant(app.context(cmd), id);
    });
  group
    .command('revoke')
    .description('revoke a standing grant now')
    .argument('<id>', 'grant id or prefix')
    .option('--reason <text>', 'why (recorded in the ledger)')
    .action(async (id, opts, cmd) => {
      app.exitCode = await revokeGrant(app.context(cmd), id, opts);
    });
  group
    .command('propose')
    .description('print the scope approve --grant-for would offer for an action, as JSON to tighten')
    .argument('<action-id>', 'a pending action')
    .action(async (id, _opts, cmd) => {
      app.exitCode = await proposeGrant(app.context(cmd), id);
    });
}
