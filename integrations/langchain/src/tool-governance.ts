import type { JsonObject } from '@faramesh/contract';
import type { FarameshClient } from '@faramesh/sdk';

/** How a framework tool call is named and submitted to Faramesh. */
export interface ToolGovernance {
  client: FarameshClient;
  agentId: string;
  /** The `tool` the policy sees. Default: the LangChain tool's name. */
  tool?: (toolName: string) => string;
  /** The `operation` the policy sees. Default: `invoke`. */
  operation?: (toolName: string) => string;
  /** Extra context sent with every call (e.g. a session or user id). */
  context?: JsonObject;
  /** How long a call waits for an approver. Default 300 000 ms. */
  approvalTimeoutMs?: number;
  /** Run when the server can't be reached to submit; see `govern` in @faramesh/sdk. Default false. */
  failOpen?: boolean;
}

/** The submitted params of a tool input: objects as they are, anything else under `input`. */
export function paramsOfInput(input: unknown): JsonObject {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as JsonObject;
  return { input };
}

export function namesOf(governance: ToolGovernance, toolName: string): { tool: string; operation: string } {
  return {
    tool: governance.tool?.(toolName) ?? toolName,
    operation: governance.operation?.(toolName) ?? 'invoke',
  };
}
