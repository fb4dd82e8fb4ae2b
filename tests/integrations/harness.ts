import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Action } from '@faramesh/contract';
import { FarameshClient } from '@faramesh/sdk';
import { type RunningServer, startServer, workDir } from '../e2e/harness.js';

/**
 * The one harness every integration test uses: a real `faramesh serve` (the built CLI) with a
 * policy covering the integration scenarios, an agent-role token for the code under test and a
 * separate approver token for the human side, plus counters for the underlying tool functions.
 */

export const AGENT_TOKEN = 'agent-token-integrations';
export const APPROVER_TOKEN = 'approver-token-integrations';

/**
 * `get_weather` is allowed, `delete_file` denied, `send_email` needs approval, for every framework
 * (tool = the framework's tool name; MCP tools are `mcp:<server>` with the tool name as operation).
 */
export const INTEGRATION_POLICY = `version: "1"
name: integrations
rules:
  - match: { tool: "get_weather" }
    allow: true
    description: "Weather lookups are harmless"
  - match: { tool: "mcp:*", op: "get_weather" }
    allow: true
    description: "Weather lookups are harmless"
  - match: { tool: "delete_file" }
    deny: true
    description: "Agents never delete files"
  - match: { tool: "mcp:*", op: "delete_file" }
    deny: true
    description: "Agents never delete files"
  - match: { tool: "send_email" }
    require_approval: true
    description: "A human reads every outgoing email"
  - match: { tool: "mcp:*", op: "send_email" }
    require_approval: true
    description: "A human reads every outgoing email"
  - match: { tool: "*", op: "*" }
    deny: true
    description: "Default deny rule"
`;

/** Which pending action a test approver acts on; `match` tells apart calls of the same tool. */
export interface PendingFilter {
  tool?: string;
  operation?: string;
  match?: (action: Action) => boolean;
}

export interface GovernanceServer {
  url: string;
  server: RunningServer;
  /** A client with the agent role, as the code under test would hold. */
  agent(options?: { retries?: number; timeoutMs?: number }): FarameshClient;
  /** The human side: approver role, never handed to the code under test. */
  approver: FarameshClient;
  /** Waits for the next pending action matching `filter`, then approves or denies it. */
  decideNext(filter: PendingFilter, approve: boolean, reason?: string): Promise<Action>;
  /** Every action the server holds, newest first. */
  actions(): Promise<Action[]>;
  stop(): Promise<void>;
}

export interface GovernanceServerOptions {
  policy?: string;
  /** Fixed port (to restart a server at the same address); default a free one. */
  port?: number;
  dir?: string;
}

/** The agent ids the integration tests submit as (each integration names its own). */
export const INTEGRATION_AGENT_IDS = [
  'sdk',
  'my-agent',
  'lc',
  'lc-agent',
  'lg',
  'ai-sdk',
  'openai-agents',
  'mcp-gateway',
  'sdk-cancel',
];

export async function startGovernanceServer(options: GovernanceServerOptions = {}): Promise<GovernanceServer> {
  const dir = options.dir ?? workDir().dir;
  writeFileSync(join(dir, 'policy.yaml'), options.policy ?? INTEGRATION_POLICY);
  const server = await startServer({
    dir,
    env: {
      FARAMESH_TOKENS: `agent:agent:${AGENT_TOKEN},approver:approver:${APPROVER_TOKEN}`,
      // One agent token serves every integration under test; it may submit only as these agent ids.
      FARAMESH_AGENT_BINDINGS: `agent=${INTEGRATION_AGENT_IDS.join('|')}`,
    },
    ...(options.port === undefined ? {} : { args: ['--port', String(options.port)] }),
  });
  const approver = new FarameshClient({ baseUrl: server.url, token: APPROVER_TOKEN });
  return {
    url: server.url,
    server,
    approver,
    agent: (opts = {}) => new FarameshClient({ baseUrl: server.url, token: AGENT_TOKEN, ...opts }),
    async decideNext(filter, approve, reason) {
      const action = await nextPending(approver, filter);
      return approve
        ? approver.approve(action.id, reason === undefined ? {} : { reason })
        : approver.deny(action.id, { reason: reason ?? 'denied by the test approver' });
    },
    async actions() {
      return (await approver.listActions({ limit: 500 })).items;
    },
    async stop() {
      await server.stop();
    },
  };
}

async function nextPending(client: FarameshClient, filter: PendingFilter): Promise<Action> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { items } = await client.listActions({
      status: 'pending_approval',
      ...(filter.tool === undefined ? {} : { tool: filter.tool }),
    });
    const match = items.find(
      (a) => (filter.operation === undefined || a.operation === filter.operation) && (filter.match?.(a) ?? true),
    );
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no pending action for ${JSON.stringify(filter)}`);
    await new Promise((wake) => setTimeout(wake, 25));
  }
}

/** A tool body that records every call, so a test can assert it never ran or ran exactly once. */
export function countingFunction<A, R>(result: (args: A) => R): { calls: A[]; fn: (args: A) => R } {
  const calls: A[] = [];
  return {
    calls,
    fn: (args: A) => {
      calls.push(structuredClone(args));
      return result(args);
    },
  };
}

/** A port nobody listens on: connections are refused, as when the server is down. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** An agent client pointing at a port nobody listens on (a server outage). */
export async function unreachableClient(): Promise<FarameshClient> {
  const port = await freePort();
  return new FarameshClient({ baseUrl: `http://127.0.0.1:${port}`, token: AGENT_TOKEN, retries: 0 });
}
