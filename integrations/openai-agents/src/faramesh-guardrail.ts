import { isUnreachable } from '@faramesh/sdk';
import { defineToolInputGuardrail, ToolGuardrailFunctionOutputFactory } from '@openai/agents';
import { type AgentToolGovernance, callKey, callRequest } from './call-request.js';

/**
 * A tool input guardrail that denies: it submits the call before the tool runs and rejects it
 * (the model gets the reason as the tool's output) when the policy denies it, or when Faramesh
 * can't be reached (fail closed). Calls that need approval pass here and are held by the
 * governed tool's `needsApproval`.
 */
export function farameshGuardrail(governance: AgentToolGovernance) {
  return defineToolInputGuardrail({
    name: 'faramesh',
    run: async ({ toolCall }) => {
      try {
        const action = await governance.client.submitAction(
          callRequest(governance, toolCall.name, toolCall.arguments),
          {
            idempotencyKey: callKey(toolCall.callId),
          },
        );
        if (action.status === 'denied' || action.status === 'expired' || action.status === 'cancelled') {
          return ToolGuardrailFunctionOutputFactory.rejectContent(
            `Faramesh denied ${toolCall.name}: ${action.approval_reason ?? action.reason ?? 'no reason given'}`,
            { action_id: action.id },
          );
        }
        return ToolGuardrailFunctionOutputFactory.allow({ action_id: action.id });
      } catch (err) {
        if (!isUnreachable(err)) throw err;
        return ToolGuardrailFunctionOutputFactory.rejectContent(`Faramesh unreachable, not running ${toolCall.name}`);
      }
    },
  });
}
