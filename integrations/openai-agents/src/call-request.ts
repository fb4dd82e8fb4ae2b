import type { SubmitActionRequest } from '@faramesh/contract';
import { type ToolGovernance, toolCallRequest } from '@faramesh/sdk';

/** The Agents SDK's governance options: the SDK's, with `operation` defaulting to `invoke`. */
export type AgentToolGovernance = ToolGovernance;

/** The submission of one function call; the same from needsApproval, the guardrail, invoke and resolveInterruptions. */
export function callRequest(
  governance: AgentToolGovernance,
  toolName: string,
  argumentsJson: string,
): SubmitActionRequest {
  return toolCallRequest(governance, toolName, parseArguments(argumentsJson), 'invoke');
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
