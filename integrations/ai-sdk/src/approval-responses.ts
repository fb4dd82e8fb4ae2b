import type { Action } from '@faramesh/contract';
import { ArgumentsChangedError } from '@faramesh/sdk';
import type { ToolApprovalResponse, ToolModelMessage } from 'ai';
import type { AiToolGovernance } from './call-request.js';
import { submitCall } from './submit-call.js';

interface ApprovalRequestPart {
  type: string;
  approvalId?: string;
  toolCall?: { toolCallId: string; toolName: string; input: unknown };
}

/**
 * Answers the `tool-approval-request` parts of a generateText/streamText result with Faramesh's
 * decisions: waits (long-poll) until each call is approved or denied in Faramesh, and returns the
 * tool message to append before calling the model again. Approved calls then run; denied ones
 * reach the model as `execution-denied` with the approver's reason — only the approver's: when they
 * gave none, there is none (the policy's reason is why approval was asked, not why it was given).
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
      const response = { type: 'tool-approval-response', approvalId: part.approvalId as string } as const;
      let action: Action;
      try {
        action = await submitCall(governance, call.toolName, call.input, call.toolCallId);
      } catch (err) {
        if (err instanceof ArgumentsChangedError) return { ...response, approved: false, reason: err.message };
        throw err;
      }
      const decided = await client.waitForDecision(action.id, {
        ...(governance.approvalTimeoutMs === undefined ? {} : { timeoutMs: governance.approvalTimeoutMs }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const approved = decided.status === 'approved' || decided.status === 'allowed';
      const reason = decisionReason(decided);
      return { ...response, approved, ...(reason === null ? {} : { reason }) };
    }),
  );
  return { role: 'tool', content: answers };
}

/** The approver's reason, if they gave one; for an expiry, that nobody decided in time. */
function decisionReason(decided: Action): string | null {
  if (decided.approval_reason !== null) return decided.approval_reason;
  if (decided.status === 'expired') return 'the approval expired in Faramesh before anyone decided';
  return null;
}
