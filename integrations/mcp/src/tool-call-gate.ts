import type { SubmitActionRequest } from '@faramesh/contract';
import { execute, type FarameshClient, FarameshError, settle } from '@faramesh/sdk';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface ToolCallGovernance {
  client: FarameshClient;
  agentId: string;
  /** Names the upstream in the policy: tools are submitted as `mcp:<serverName>`. */
  serverName: string;
  /** How long a call waits for an approver. Default 300 000 ms. */
  approvalTimeoutMs?: number;
}

/** Carries an upstream `isError` result through `execute`, so the action is recorded as failed. */
class UpstreamToolError extends Error {
  constructor(readonly result: CallToolResult) {
    super(textOf(result) || 'the tool reported an error');
    this.name = 'UpstreamToolError';
  }
}

/**
 * Submits one `tools/call` (tool `mcp:<server>`, operation = tool name, params = arguments),
 * waits for a decision when required, and forwards it upstream only when allowed or approved.
 * Every refusal, including an unreachable Faramesh, is answered as an MCP error result
 * (`isError: true` with the reason): the upstream never sees the call.
 */
export async function gateToolCall(
  governance: ToolCallGovernance,
  name: string,
  args: Record<string, unknown>,
  forward: () => Promise<CallToolResult>,
  /** The client's cancellation of this call: while waiting for approval it withdraws the action. */
  signal?: AbortSignal,
): Promise<CallToolResult> {
  const { client } = governance;
  const request: SubmitActionRequest = {
    agent_id: governance.agentId,
    tool: `mcp:${governance.serverName}`,
    operation: name,
    params: args,
  };
  try {
    const submitted = await client.submitAction(request);
    const action = await settle(client, submitted, {
      ...(governance.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: governance.approvalTimeoutMs }),
      ...(signal === undefined ? {} : { signal }),
    });
    return await execute(client, action, async () => {
      const result = await forward();
      if (result.isError) throw new UpstreamToolError(result);
      return result;
    });
  } catch (err) {
    if (err instanceof UpstreamToolError) return err.result;
    if (err instanceof FarameshError) return refusal(err);
    throw err;
  }
}

function refusal(err: FarameshError): CallToolResult {
  return {
    content: [{ type: 'text', text: `Faramesh blocked this call (${err.code}): ${err.message}` }],
    isError: true,
  };
}

function textOf(result: CallToolResult): string {
  return result.content
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n')
    .slice(0, 2_000);
}
