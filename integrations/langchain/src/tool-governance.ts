import type { ToolGovernance as SdkToolGovernance } from '@faramesh/sdk';

export { paramsOfInput } from '@faramesh/sdk';

/** The SDK's governance options, plus fail-open (LangChain tools may opt into it). */
export interface ToolGovernance extends SdkToolGovernance {
  /** Run when the server can't be reached to submit; see `govern` in @faramesh/sdk. Default false. */
  failOpen?: boolean;
}

export function namesOf(governance: ToolGovernance, toolName: string): { tool: string; operation: string } {
  return {
    tool: governance.tool?.(toolName) ?? toolName,
    operation: governance.operation?.(toolName) ?? 'invoke',
  };
}
