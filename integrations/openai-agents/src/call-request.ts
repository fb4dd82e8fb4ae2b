import type { JsonObject, SubmitActionRequest } from '@faramesh/contract';
import type { FarameshClient } from '@faramesh/sdk';

export interface AgentToolGovernance {
  client: FarameshClient;
  agentId: string;
  /** The `tool` the policy sees. Default: the function tool's name. */
  tool?: (toolName: string) => string;
  /** The `operation` the policy sees. Default: `invoke`. */
  operation?: (toolName: string) => string;
  context?: JsonObject;
  /** How long a call (or `resolveInterruptions`) waits for a decision. Default 300 000 ms. */
  approvalTimeoutMs?: number;
}

/** The submission of one function call; the same from needsApproval, the guardrail, invoke and resolveInterruptions. */
export function callRequest(
  governance: AgentToolGovernance,
  toolName: string,
  argumentsJson: string,
): SubmitActionRequest {
  const input = parseArguments(argumentsJson);
  const request: SubmitActionRequest = {
    agent_id: governance.agentId,
    tool: governance.tool?.(toolName) ?? toolName,
    operation: governance.operation?.(toolName) ?? 'invoke',
    params: input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as JsonObject) : { input },
  };
  if (governance.context !== undefined) request.context = governance.context;
  return request;
}

/** One function call is one action, however often the SDK asks about it: keyed by its call id. */
export function callKey(callId: string | undefined): string {
  return callId === undefined ? crypto.randomUUID() : `openai-agents:${callId}`;
}

function parseArguments(text: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    // Malformed model output: submitted as the raw text so the policy (and the audit) sees it.
    return { raw_arguments: text };
  }
}
