import { govern } from '@faramesh/sdk';
import type { ToolRunnableConfig } from '@langchain/core/tools';
import { tool as defineTool, type StructuredToolInterface } from '@langchain/core/tools';
import { namesOf, paramsOfInput, type ToolGovernance } from './tool-governance.js';

/**
 * A LangChain tool with the same name, description and schema as `original`, whose every call is
 * submitted to Faramesh and runs `original` only when allowed or approved, with the submitted
 * input. Denials, expiries and timeouts throw the SDK's typed errors (a ToolNode turns them into
 * an error ToolMessage for the model); an unreachable server throws ConnectionError.
 */
export function governTool<T extends StructuredToolInterface>(original: T, governance: ToolGovernance) {
  const names = namesOf(governance, original.name);
  return defineTool(
    async (input: unknown, config?: ToolRunnableConfig) => {
      // The original must not see the tool call: the wrapper already returns the ToolMessage.
      const { toolCall: _toolCall, ...inner } = config ?? {};
      const run = govern((args: unknown) => original.invoke(args as never, inner), {
        client: governance.client,
        agentId: governance.agentId,
        ...names,
        params: paramsOfInput,
        ...(governance.context === undefined ? {} : { context: governance.context }),
        ...(governance.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: governance.approvalTimeoutMs }),
        ...(governance.failOpen === undefined ? {} : { failOpen: governance.failOpen }),
        ...(config?.signal === undefined ? {} : { signal: config.signal }),
      });
      return run(input);
    },
    { name: original.name, description: original.description, schema: original.schema as never },
  );
}

/** Every tool of a toolset governed the same way (`governTool` on each). */
export function governTools<T extends StructuredToolInterface>(tools: readonly T[], governance: ToolGovernance) {
  return tools.map((t) => governTool(t, governance));
}
