import type { JsonObject, SubmitActionRequest } from '@faramesh/contract';
import type { FarameshClient } from './client.js';

/** How an agent framework's tool calls are named and submitted; every integration takes these. */
export interface ToolGovernance {
  client: FarameshClient;
  agentId: string;
  /** The `tool` the policy sees. Default: the framework's tool name. */
  tool?: (toolName: string) => string;
  /** The `operation` the policy sees. Default: the integration's (`invoke`, `execute`). */
  operation?: (toolName: string) => string;
  /** Extra context sent with every call (e.g. a session or user id). */
  context?: JsonObject;
  /** How long a call waits for an approver. Default 300 000 ms. */
  approvalTimeoutMs?: number;
}

/** The submitted params of a tool input: objects as they are, anything else under `input`. */
export function paramsOfInput(input: unknown): JsonObject {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as JsonObject;
  return { input };
}

/** The submission of one tool call, the same wherever a framework asks about it. */
export function toolCallRequest(
  governance: ToolGovernance,
  toolName: string,
  input: unknown,
  defaultOperation: string,
): SubmitActionRequest {
  const request: SubmitActionRequest = {
    agent_id: governance.agentId,
    tool: governance.tool?.(toolName) ?? toolName,
    operation: governance.operation?.(toolName) ?? defaultOperation,
    params: paramsOfInput(input),
  };
  if (governance.context !== undefined) request.context = governance.context;
  return request;
}
