import { execute, settle } from '@faramesh/sdk';
import type { FunctionTool, RunContext } from '@openai/agents';
import { type AgentToolGovernance, callKey, callRequest } from './call-request.js';
import { farameshGuardrail } from './faramesh-guardrail.js';

/**
 * The function tool governed by Faramesh: `needsApproval` is true when the policy holds the call
 * for a human (the run then stops with `result.interruptions`), the Faramesh guardrail rejects
 * denied calls, and `invoke` runs the original only when the action is allowed or approved in
 * Faramesh, whatever `state.approve()` said.
 */
// biome-ignore lint/suspicious/noExplicitAny: FunctionTool's own defaults are `any`; the wrapper keeps them.
export function governTool<T extends FunctionTool<any, any, any>>(original: T, governance: AgentToolGovernance): T {
  const { client } = governance;
  const guardrail = farameshGuardrail(governance);
  return {
    ...original,
    inputGuardrails: [...(original.inputGuardrails ?? []), guardrail],
    needsApproval: async (_ctx: RunContext, input: unknown, callId?: string) => {
      const action = await client.submitAction(callRequest(governance, original.name, JSON.stringify(input)), {
        idempotencyKey: callKey(callId),
      });
      // The decision, not the status: asked again after an approval, the answer must not change.
      return action.decision === 'require_approval';
    },
    invoke: async (runContext: RunContext, input: string, details?: Parameters<T['invoke']>[2]) => {
      const callId = (details as { toolCall?: { callId?: string } } | undefined)?.toolCall?.callId;
      const submitted = await client.submitAction(callRequest(governance, original.name, input), {
        idempotencyKey: callKey(callId),
      });
      const current = submitted.status === 'pending_approval' ? await client.getAction(submitted.id) : submitted;
      const action = await settle(client, current, {
        ...(governance.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: governance.approvalTimeoutMs }),
        // An aborted run withdraws the action it was waiting on (settle cancels it on the server).
        ...(details?.signal === undefined ? {} : { signal: details.signal }),
      });
      return execute(client, action, () => original.invoke(runContext, input, details));
    },
  };
}
