import type { Command } from '@commander-js/extra-typings';
import { startGateway } from '@faramesh/mcp';
import type { App } from '../app.js';
import { UsageError } from '../cli-error.js';
import { intOption } from '../option-parsers.js';

/**
 * `mcp -- <command> [args…]`: an MCP gateway on stdio. It spawns the upstream server and
 * submits every `tools/call` to Faramesh before forwarding it. Stdout is the MCP channel, so this
 * command never prints to it; diagnostics go to stderr.
 */
export function registerMcp(program: Command, app: App): void {
  program
    .command('mcp')
    .description('govern an MCP server: faramesh mcp [--name files] -- npx some-mcp-server')
    .argument('<command...>', 'the command that starts the upstream MCP server (after --)')
    .option('--name <server>', 'policy name of the upstream: tools are submitted as mcp:<server>')
    .option('--agent-id <id>', 'agent_id of the submitted calls (default mcp-gateway)')
    .option(
      '--approval-timeout <seconds>',
      'how long a call waits for an approver (default 300)',
      intOption('--approval-timeout', 1, 86_400),
    )
    .action(async (command, opts, cmd) => {
      const [bin, ...args] = command;
      if (bin === undefined) throw new UsageError('missing the upstream command: faramesh mcp -- <command> [args…]');
      const ctx = app.context(cmd);
      const gateway = await startGateway({
        client: ctx.client,
        command: bin,
        args,
        env: Object.fromEntries(Object.entries(ctx.io.env).filter((e): e is [string, string] => e[1] !== undefined)),
        ...(opts.name === undefined ? {} : { serverName: opts.name }),
        ...(opts.agentId === undefined ? {} : { agentId: opts.agentId }),
        ...(opts.approvalTimeout === undefined ? {} : { approvalTimeoutMs: opts.approvalTimeout * 1000 }),
      });
      ctx.io.stderr.write(`faramesh mcp: governing ${bin} as mcp:${gateway.serverName} via ${ctx.client.baseUrl}\n`);
      await gateway.closed;
    });
}
