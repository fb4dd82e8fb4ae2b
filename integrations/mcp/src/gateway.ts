import type { FarameshClient } from '@faramesh/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolRequestSchema, CallToolResultSchema, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { gateToolCall } from './tool-call-gate.js';

export const GATEWAY_VERSION = '0.1.0';

export interface GatewayOptions {
  client: FarameshClient;
  /** The upstream MCP server to spawn. */
  command: string;
  args?: string[];
  /** Environment of the upstream; default the SDK's safe default set (PATH, HOME, …). */
  env?: Record<string, string>;
  cwd?: string;
  /** Names the upstream in policies (`mcp:<serverName>`). Default: the name the upstream reports. */
  serverName?: string;
  /** Default: `mcp-gateway`. */
  agentId?: string;
  approvalTimeoutMs?: number;
  /** Toward the MCP client. Default: this process's stdio. */
  transport?: Transport;
}

export interface Gateway {
  /** The name tools are submitted under (`mcp:<serverName>`). */
  serverName: string;
  /** Resolves when either side closed. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts an MCP gateway: spawns the upstream server, then serves the same capabilities to the
 * client. `tools/call` goes through Faramesh first; every other request and every notification,
 * both ways, is relayed unchanged. Requests the upstream would send to the client (sampling,
 * elicitation, roots) are not relayed.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const upstream = new Client({ name: 'faramesh-mcp-gateway', version: GATEWAY_VERSION });
  await upstream.connect(
    new StdioClientTransport({
      command: options.command,
      args: options.args ?? [],
      stderr: 'inherit',
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    }),
  );
  const info = upstream.getServerVersion();
  const serverName = options.serverName ?? info?.name ?? 'upstream';
  const server = new Server(
    { name: info?.name ?? serverName, version: info?.version ?? GATEWAY_VERSION },
    {
      capabilities: upstream.getServerCapabilities() ?? {},
      ...(upstream.getInstructions() === undefined ? {} : { instructions: upstream.getInstructions() as string }),
    },
  );
  const governance = {
    client: options.client,
    agentId: options.agentId ?? 'mcp-gateway',
    serverName,
    ...(options.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: options.approvalTimeoutMs }),
  };

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) =>
    gateToolCall(
      governance,
      request.params.name,
      request.params.arguments ?? {},
      () =>
        upstream.request({ method: 'tools/call', params: request.params }, CallToolResultSchema, {
          signal: extra.signal,
          // A long-running tool is the upstream's business; the client's own timeout still applies.
          timeout: 24 * 60 * 60 * 1000,
        }),
      extra.signal,
    ),
  );
  server.fallbackRequestHandler = async (request, extra) =>
    upstream.request({ method: request.method, params: request.params }, ResultSchema, { signal: extra.signal });
  server.fallbackNotificationHandler = async (notification) => upstream.notification(notification);
  upstream.fallbackNotificationHandler = async (notification) => server.notification(notification);

  let done: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  const close = async (): Promise<void> => {
    await Promise.allSettled([server.close(), upstream.close()]);
    done();
  };
  server.onclose = () => void close();
  upstream.onclose = () => void close();
  await server.connect(options.transport ?? new StdioServerTransport());
  return { serverName, closed, close };
}
