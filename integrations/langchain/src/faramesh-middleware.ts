import { FarameshError, govern } from '@faramesh/sdk';
import { createMiddleware, ToolMessage } from 'langchain';
import { namesOf, paramsOfInput, type ToolGovernance } from './tool-governance.js';

/** Codes for calls Faramesh refused: the model is told, instead of the run failing. */
const REFUSALS = new Set([
  'action_denied',
  'approval_expired',
  'action_cancelled',
  'approval_timeout',
  'arguments_changed',
]);

/**
 * LangChain v1 agent middleware (`createAgent({middleware: [farameshMiddleware(...)]})`) that
 * governs every tool call of the agent, whatever the tool. A refused call comes back to the model
 * as an error ToolMessage carrying the reason; the tool never runs. Connection and auth errors
 * end the run (fail closed) unless `failOpen` is set.
 */
export function farameshMiddleware(governance: ToolGovernance) {
  return createMiddleware({
    name: 'FarameshMiddleware',
    wrapToolCall: async (request, handler) => {
      const call = request.toolCall;
      const names = namesOf(governance, call.name);
      const run = govern((_args: unknown) => handler(request), {
        client: governance.client,
        agentId: governance.agentId,
        ...names,
        params: () => paramsOfInput(call.args),
        ...(governance.context === undefined ? {} : { context: governance.context }),
        ...(governance.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: governance.approvalTimeoutMs }),
        ...(governance.failOpen === undefined ? {} : { failOpen: governance.failOpen }),
      });
      try {
        return await run(call.args);
      } catch (err) {
        if (!(err instanceof FarameshError && REFUSALS.has(String(err.code)))) throw err;
        return new ToolMessage({
          content: `Faramesh refused this call: ${err.message}`,
          tool_call_id: call.id ?? '',
          name: call.name,
          status: 'error',
        });
      }
    },
  });
}
