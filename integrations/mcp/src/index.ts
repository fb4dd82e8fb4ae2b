export { GATEWAY_VERSION, type Gateway, type GatewayOptions, startGateway } from './gateway.js';
export { gateToolCall, type ToolCallGovernance } from './tool-call-gate.js';
