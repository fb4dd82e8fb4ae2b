export { type AuthorizeOptions, authorize, DEFAULT_APPROVAL_TIMEOUT_MS, runnable, settle } from './authorize.js';
export { canonicalJson } from './canonical-json.js';
export {
  type ApprovalOptions,
  type BreakGlassOptions,
  type CallOptions,
  type CancelOptions,
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
export { type ExecuteOptions, execute } from './execute.js';
export { defaultParams, type GovernOptions, govern, governed } from './govern.js';
export {
  ActionCancelledError,
  ActionDeniedError,
  ActionNotRunnableError,
  ApprovalExpiredError,
  ApprovalTimeoutError,
  ArgumentsChangedError,
} from './governance-errors.js';
export { isUnreachable } from './reachability.js';
export {
  type RecordJob,
  RecordQueue,
  type RecordQueueOptions,
  recordQueueOf,
  type UnrecordedCall,
  type UnreportedResult,
} from './record-queue.js';
export { type HashedRequest, requestHash } from './request-hash.js';
export { type SseMessage, SseParser } from './sse-parser.js';
export type { StreamEvent, StreamOptions, StreamStatus } from './stream.js';
export { paramsOfInput, type ToolGovernance, toolCallRequest } from './tool-call.js';
export type {
  ApiToken,
  ConditionTrace,
  CreatedToken,
  CreateTokenRequest,
  ExplainResponse,
  Explanation,
  Health,
  LedgerArchiveResult,
  LedgerAudit,
  LedgerCheckpointInfo,
  LedgerProblem,
  LedgerProblemKind,
  LimitTrace,
  ListTokensQuery,
  PlaygroundResult,
  PolicyInfo,
  Readiness,
  RiskTrace,
  RuleTrace,
  ShellTrace,
  TokenList,
  TraceStatus,
  WhoAmI,
} from './types.js';
export { WITHDRAW_TIMEOUT_MS, withdraw } from './withdraw.js';
