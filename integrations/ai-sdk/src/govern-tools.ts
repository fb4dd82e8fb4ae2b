import { ArgumentsChangedError, execute as runGoverned, settle } from '@faramesh/sdk';
import type { Tool, ToolExecutionOptions, ToolSet } from 'ai';
import type { AiToolGovernance } from './call-request.js';
import { submitCall } from './submit-call.js';

/**
 * The tool with its `needsApproval` answered by Faramesh (true while the policy holds the call
 * for a human) and its `execute` governed: it runs only when the action is allowed or approved,
 * with the submitted input, and throws the SDK's typed errors otherwise (the AI SDK reports them
 * as a tool error). A call whose arguments were edited in the history after submission is such an
 * error too (`arguments_changed`), never an approval of the new arguments. The tool's own
 * `needsApproval`, if any, is replaced.
 */
export function governTool<T extends Tool>(toolName: string, original: T, governance: AiToolGovernance): T {
  const originalExecute = original.execute;
  if (originalExecute === undefined) return original;
  const { client } = governance;
  return {
    ...original,
    needsApproval: async (input: unknown, options: { toolCallId: string }) => {
      let action: Awaited<ReturnType<typeof submitCall>>;
      try {
        action = await submitCall(governance, toolName, input, options.toolCallId);
      } catch (err) {
        // Thrown from here it would end generateText; `execute` turns it into a tool error the model reads.
        if (err instanceof ArgumentsChangedError) return true;
        throw err;
      }
      // The decision, not the status: the SDK asks again after the approval round trip and treats
      // "no approval needed any more" as a denial.
      return action.decision === 'require_approval';
    },
    execute: async (input: unknown, options: ToolExecutionOptions) => {
      const submitted = await submitCall(governance, toolName, input, options.toolCallId);
      // A replayed submission answers the action as first stored; its current state decides.
      const current = submitted.status === 'pending_approval' ? await client.getAction(submitted.id) : submitted;
      const action = await settle(client, current, {
        ...(governance.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: governance.approvalTimeoutMs }),
        ...(options.abortSignal === undefined ? {} : { signal: options.abortSignal }),
      });
      return runGoverned(client, action, () =>
        (originalExecute as (i: unknown, o: ToolExecutionOptions) => unknown)(input, options),
      );
    },
  } as T;
}

/** Every tool of a ToolSet governed (`governTool` on each, named by its key). */
export function governTools<T extends ToolSet>(tools: T, governance: AiToolGovernance): T {
  const governed: Record<string, Tool> = {};
  for (const [name, t] of Object.entries(tools)) governed[name] = governTool(name, t as Tool, governance);
  return governed as T;
}
