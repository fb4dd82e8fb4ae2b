import { execute, settle, type ToolGovernance, toolCallRequest } from '@faramesh/sdk';
import { tool as defineTool, type StructuredToolInterface, type ToolRunnableConfig } from '@langchain/core/tools';
import { interrupt } from '@langchain/langgraph';
import { approvalInterrupt } from './approval-interrupt.js';

/**
 * The SDK's governance options. `approvalTimeoutMs` is how long a resumed call waits for a decision
 * that hasn't arrived yet; while the graph is interrupted nothing waits: the checkpointer holds the pause.
 */
export type GraphToolGovernance = ToolGovernance;

/**
 * A LangGraph tool (for a ToolNode) governed by Faramesh. On `require_approval` it calls
 * `interrupt()` with a FarameshApprovalInterrupt, so the graph's checkpointer holds the pause and
 * no process has to stay up. Resume with `resumeWhenDecided` (or any `Command({resume})`): the
 * node re-runs, finds the same action (its idempotency key is the thread, namespace and tool-call
 * id) and reads Faramesh's decision, which is the only authority: a resume value can't approve.
 */
export function governGraphTool<T extends StructuredToolInterface>(original: T, governance: GraphToolGovernance) {
  return defineTool(
    async (input: unknown, config?: ToolRunnableConfig) => {
      const { client } = governance;
      const request = toolCallRequest(governance, original.name, input, 'invoke');
      const key = idempotencyKey(config);
      const submitted = await client.submitAction(request, key === undefined ? {} : { idempotencyKey: key });
      if (submitted.status === 'pending_approval') interrupt(approvalInterrupt(submitted));
      // The resume value is deliberately ignored; the server's current state decides.
      const current = submitted.status === 'pending_approval' ? await client.getAction(submitted.id) : submitted;
      // An aborted run withdraws the action it was waiting on (settle cancels it on the server).
      const signal = config?.signal === undefined ? {} : { signal: config.signal };
      const action = await settle(client, current, { ...timeoutOf(governance), ...signal });
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

function timeoutOf(governance: GraphToolGovernance): { approvalTimeoutMs?: number } {
  return governance.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: governance.approvalTimeoutMs };
}
