export { approvalResponses } from './approval-responses.js';
export { type AiToolGovernance, callKey, callRequest } from './call-request.js';
export { governTool, governTools } from './govern-tools.js';
