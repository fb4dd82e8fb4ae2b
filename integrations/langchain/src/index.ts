export { governTool, governTools } from './govern-tool.js';
export { paramsOfInput, type ToolGovernance } from './tool-governance.js';
