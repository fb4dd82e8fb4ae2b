import type { ToolApprovalResponse, ToolModelMessage } from 'ai';
import { type AiToolGovernance, callKey, callRequest } from './call-request.js';

interface ApprovalRequestPart {
  type: string;
  approvalId?: string;
  toolCall?: { toolCallId: string; toolName: string; input: unknown };
}

/**
 * Answers the `tool-approval-request` parts of a generateText/streamText result with Faramesh's
 * decisions: waits (long-poll) until each call is approved or denied in Faramesh, and returns the
 * tool message to append before calling the model again. Approved calls then run; denied ones
 * reach the model as `execution-denied` with the approver's reason.
 */
export async function approvalResponses(
  governance: AiToolGovernance,
  content: readonly ApprovalRequestPart[],
  options: { signal?: AbortSignal } = {},
): Promise<ToolModelMessage | null> {
  const requests = content.filter((p) => p.type === 'tool-approval-request' && p.approvalId && p.toolCall);
  if (requests.length === 0) return null;
  const { client } = governance;
  const answers = await Promise.all(
    requests.map(async (part): Promise<ToolApprovalResponse> => {
      const call = part.toolCall as NonNullable<ApprovalRequestPart['toolCall']>;
      const action = await client.submitAction(callRequest(governance, call.toolName, call.input), {
        idempotencyKey: callKey(call.toolCallId),
      });
      const decided = await client.waitForDecision(action.id, {
        ...(governance.approvalTimeoutMs === undefined ? {} : { timeoutMs: governance.approvalTimeoutMs }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const approved = decided.status === 'approved' || decided.status === 'allowed';
      const reason = decided.approval_reason ?? decided.reason;
      return {
        type: 'tool-approval-response',
        approvalId: part.approvalId as string,
        approved,
        ...(reason === null ? {} : { reason }),
      };
    }),
  );
  return { role: 'tool', content: answers };
}
