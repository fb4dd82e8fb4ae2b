import type { JsonObject, SubmitActionRequest } from '@faramesh/contract';
import type { FarameshClient } from '@faramesh/sdk';

export interface AiToolGovernance {
  client: FarameshClient;
  agentId: string;
  /** The `tool` the policy sees. Default: the key of the tool in the ToolSet. */
  tool?: (toolName: string) => string;
  /** The `operation` the policy sees. Default: `execute`. */
  operation?: (toolName: string) => string;
  context?: JsonObject;
  /** How long `execute` (and `approvalResponses`) wait for a decision. Default 300 000 ms. */
  approvalTimeoutMs?: number;
}

/** The submission of one tool call; the same for needsApproval, execute and approvalResponses. */
export function callRequest(governance: AiToolGovernance, toolName: string, input: unknown): SubmitActionRequest {
  const request: SubmitActionRequest = {
    agent_id: governance.agentId,
    tool: governance.tool?.(toolName) ?? toolName,
    operation: governance.operation?.(toolName) ?? 'execute',
    params: input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as JsonObject) : { input },
  };
  if (governance.context !== undefined) request.context = governance.context;
  return request;
}

/**
 * One tool call is one action, however many times the SDK asks about it (needsApproval, then
 * execute, then again after an approval round trip): keyed by the model's tool-call id.
 */
export function callKey(toolCallId: string): string {
  return `ai-sdk:${toolCallId}`;
}
