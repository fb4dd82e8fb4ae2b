export { type AgentToolGovernance, callKey, callRequest } from './call-request.js';
export { farameshGuardrail } from './faramesh-guardrail.js';
export { governTool } from './govern-tool.js';
export { resolveInterruptions } from './resolve-interruptions.js';
