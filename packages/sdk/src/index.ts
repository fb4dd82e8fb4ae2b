export {
  type ApprovalOptions,
  type CallOptions,
  type ClientOptions,
  DEFAULT_BASE_URL,
  FarameshClient,
  FarameshClient as ExecutionGovernorClient,
  type SubmitOptions,
  type WaitOptions,
} from './client.js';
export {
  AmbiguousPrefixError,
  type ClientErrorCode,
  ConnectionError,
  errorFromResponse,
  FarameshError,
  type PrefixCandidate,
  TimeoutError,
} from './errors.js';
export { type SseMessage, SseParser } from './sse-parser.js';
export type { StreamEvent, StreamOptions, StreamStatus } from './stream.js';
export type {
  ConditionTrace,
  ExplainResponse,
  Explanation,
  Health,
  PlaygroundResult,
  PolicyInfo,
  Readiness,
  RiskTrace,
  RuleTrace,
  TraceStatus,
  WhoAmI,
} from './types.js';
