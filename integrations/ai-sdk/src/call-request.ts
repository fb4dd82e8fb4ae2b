import type { SubmitActionRequest } from '@faramesh/contract';
import { type ToolGovernance, toolCallRequest } from '@faramesh/sdk';

/** The AI SDK's governance options: the SDK's, with `operation` defaulting to `execute`. */
export type AiToolGovernance = ToolGovernance;

/** The submission of one tool call; the same for needsApproval, execute and approvalResponses. */
export function callRequest(governance: AiToolGovernance, toolName: string, input: unknown): SubmitActionRequest {
  return toolCallRequest(governance, toolName, input, 'execute');
}

/**
 * One tool call is one action, however many times the SDK asks about it (needsApproval, then
 * execute, then again after an approval round trip): keyed by the model's tool-call id.
 */
export function callKey(toolCallId: string): string {
  return `ai-sdk:${toolCallId}`;
}
