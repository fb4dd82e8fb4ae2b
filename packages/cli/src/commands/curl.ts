import type { Command } from '@commander-js/extra-typings';
import type { Action } from '@faramesh/contract';
import type { App } from '../app.js';
import type { Context } from '../context.js';

/** `curl <id>`: ready-to-copy curl commands for the action's next steps. */
export async function curl(ctx: Context, id: string): Promise<number> {
  const action = await ctx.client.getAction(id);
  const commands = curlCommands(action, ctx.client.url(`/v1/actions/${action.id}`), ctx.connection.token !== null);
  if (ctx.json) {
    ctx.out.json({ action_id: action.id, status: action.status, commands });
    return 0;
  }
  ctx.out.line(`# Action: ${action.id}`);
  ctx.out.line(`# Status: ${action.status}`);
  if (ctx.connection.token !== null && ctx.connection.tokenSource !== 'FARAMESH_TOKEN') {
    ctx.out.line('# The commands send $FARAMESH_TOKEN: export FARAMESH_TOKEN=<your token> first.');
  }
  for (const command of commands) {
    ctx.out.line();
    ctx.out.line(`# ${command.title}:`);
    ctx.out.line(command.command);
  }
  return 0;
}

export interface CurlCommand {
  title: string;
  command: string;
}

/**
 * The curl commands that make sense now: approve/deny while pending (only when the caller may see
 * the approval token), start and result once allowed/approved, and the timeline always.
 */
export function curlCommands(action: Action, actionUrl: string, withToken: boolean): CurlCommand[] {
  const auth = withToken ? ` \\\n  -H "Authorization: Bearer $FARAMESH_TOKEN"` : '';
  const post = (path: string, body: unknown): string =>
    `curl -X POST ${actionUrl}${path}${auth} \\\n  -H "Content-Type: application/json" \\\n  -d '${shellQuoteInner(JSON.stringify(body))}'`;
  const out: CurlCommand[] = [];
  if (action.status === 'pending_approval') {
    if (action.approval_token) {
      out.push({ title: 'Approve', command: post('/approval', { token: action.approval_token, approve: true }) });
      out.push({ title: 'Deny', command: post('/approval', { token: action.approval_token, approve: false }) });
    } else {
      out.push({
        title: 'Approve/Deny',
        command: '# the approval token is not visible with this token: use an approver or admin token',
      });
    }
  }
  if (action.status === 'allowed' || action.status === 'approved') {
    out.push({ title: 'Start', command: `curl -X POST ${actionUrl}/start${auth}` });
  }
  if (action.status === 'allowed' || action.status === 'approved' || action.status === 'executing') {
    out.push({ title: 'Report result', command: post('/result', { success: true, error: null }) });
  }
  out.push({ title: 'Events', command: `curl ${actionUrl}/events${auth}` });
  out.push({ title: 'Get', command: `curl ${actionUrl}${auth}` });
  return out;
}

/** Escapes a string for use inside single quotes in a POSIX shell. */
function shellQuoteInner(text: string): string {
  return text.replace(/'/g, `'\\''`);
}

export function registerCurl(program: Command, app: App): void {
  program
    .command('curl')
    .description('print ready-to-copy curl commands for an action (approve, deny, start, result, events)')
    .argument('<id>', 'action id or prefix')
    .action(async (id, _opts, cmd) => {
      app.exitCode = await curl(app.context(cmd), id);
    });
}
