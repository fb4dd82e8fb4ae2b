export { type FarameshApprovalInterrupt, isApprovalInterrupt } from './approval-interrupt.js';
export { type GraphToolGovernance, governGraphTool, governGraphTools } from './govern-node-tool.js';
export { pendingApprovals, resumeWhenDecided } from './resume-when-decided.js';
