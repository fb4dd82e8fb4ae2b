import type { Action } from '@faramesh/contract';
import { ArgumentsChangedError, FarameshError } from '@faramesh/sdk';
import { type AiToolGovernance, callKey, callRequest } from './call-request.js';

/**
 * Submits one tool call under its tool-call key (the same action however often the SDK asks). When
 * the key was already used with other arguments — the call was edited in the history after it was
 * submitted or approved — throws ArgumentsChangedError: an approval covers the submitted arguments only.
 */
export async function submitCall(
  governance: AiToolGovernance,
  toolName: string,
  input: unknown,
  toolCallId: string,
): Promise<Action> {
  try {
    return await governance.client.submitAction(callRequest(governance, toolName, input), {
      idempotencyKey: callKey(toolCallId),
    });
  } catch (err) {
    if (!(err instanceof FarameshError && err.code === 'idempotency_conflict')) throw err;
    const actionId = String((err.details as { action_id?: unknown } | null)?.action_id ?? toolCallId);
    throw new ArgumentsChangedError(
      actionId,
      `the arguments of this ${toolName} call were changed after they were submitted to Faramesh (action ${actionId}); they no longer match what was approved, so the call was not run`,
    );
  }
}
