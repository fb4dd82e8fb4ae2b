import type { JsonObject, SubmitActionRequest } from '@faramesh/contract';
import { execute, type FarameshClient, settle } from '@faramesh/sdk';
import { tool as defineTool, type StructuredToolInterface, type ToolRunnableConfig } from '@langchain/core/tools';
import { interrupt } from '@langchain/langgraph';
import { approvalInterrupt } from './approval-interrupt.js';

export interface GraphToolGovernance {
  client: FarameshClient;
  agentId: string;
  /** The `tool` the policy sees. Default: the tool's name. */
  tool?: (toolName: string) => string;
  /** The `operation` the policy sees. Default: `invoke`. */
  operation?: (toolName: string) => string;
  context?: JsonObject;
  /**
   * How long a resumed call waits for a decision that hasn't arrived yet. Default 300 000 ms.
   * (While the graph is interrupted nothing waits: the checkpointer holds the pause.)
   */
  approvalTimeoutMs?: number;
}

/**
 * A LangGraph tool (for a ToolNode) governed by Faramesh. On `require_approval` it calls
 * `interrupt()` with a FarameshApprovalInterrupt, so the graph's checkpointer holds the pause and
 * no process has to stay up. Resume with `resumeWhenDecided` (or any `Command({resume})`): the
 * node re-runs, finds the same action (its idempotency key is the thread, namespace and tool-call
 * id) and reads Faramesh's decision, which is the only authority: a resume value can't approve.
 */
export function governGraphTool<T extends StructuredToolInterface>(original: T, governance: GraphToolGovernance) {
  const names = {
    tool: governance.tool?.(original.name) ?? original.name,
    operation: governance.operation?.(original.name) ?? 'invoke',
  };
  return defineTool(
    async (input: unknown, config?: ToolRunnableConfig) => {
      const { client } = governance;
      const request: SubmitActionRequest = { agent_id: governance.agentId, ...names, params: paramsOf(input) };
      if (governance.context !== undefined) request.context = governance.context;
      const key = idempotencyKey(config);
      const submitted = await client.submitAction(request, key === undefined ? {} : { idempotencyKey: key });
      if (submitted.status === 'pending_approval') interrupt(approvalInterrupt(submitted));
      // The resume value is deliberately ignored; the server's current state decides.
      const current = submitted.status === 'pending_approval' ? await client.getAction(submitted.id) : submitted;
      const action = await settle(client, current, timeoutOf(governance));
      const { toolCall: _toolCall, ...inner } = config ?? {};
      return execute(client, action, () => original.invoke(input as never, inner));
    },
    { name: original.name, description: original.description, schema: original.schema as never },
  );
}

/** Every tool of a toolset governed the same way. */
export function governGraphTools<T extends StructuredToolInterface>(
  tools: readonly T[],
  governance: GraphToolGovernance,
) {
  return tools.map((t) => governGraphTool(t, governance));
}

/**
 * Stable across the re-runs of a node on resume, different for every tool call of a thread.
 * Without a thread (no checkpointer) a call can't be resumed anyway, so a fresh key is right.
 */
function idempotencyKey(config: ToolRunnableConfig | undefined): string | undefined {
  const thread = config?.configurable?.thread_id;
  const callId = config?.toolCall?.id;
  if (thread === undefined || callId === undefined) return undefined;
  const ns = config?.configurable?.checkpoint_ns ?? '';
  return `langgraph:${String(thread)}:${String(ns)}:${callId}`;
}

function paramsOf(input: unknown): JsonObject {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as JsonObject;
  return { input };
}

function timeoutOf(governance: GraphToolGovernance): { approvalTimeoutMs?: number } {
  return governance.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: governance.approvalTimeoutMs };
}
