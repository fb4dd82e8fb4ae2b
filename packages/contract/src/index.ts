export {
  type Action,
  type ActionEvent,
  type ActionList,
  type ApprovalVote,
  DECISIONS,
  type Decision,
  type DecisionRight,
  EVENT_TYPES,
  type EventType,
  type JsonObject,
  type MatchedRule,
  type PolicyEvaluation,
  RISK_LEVELS,
  type RiskLevel,
  type Role,
  STATUSES,
  STREAM_EVENT_NAMES,
  type Status,
  type StreamFrame,
  streamEventName,
  type WaitingFor,
} from './action.js';
export { actionListSchema, actionSchema, SUMMARY_MAX_CHARS } from './action-schema.js';
export type { AuthConfig, AuthSession, LogoutResult } from './auth-session.js';
export { ERROR_STATUS, type ErrorBody, type ErrorCode, isErrorCode } from './errors.js';
export { codePointLabel, codePointName, isInvisible } from './invisible-chars.js';
export {
  CANCELLABLE_STATUSES,
  COMMAND_EVENTS,
  type Command,
  isTerminal,
  nextStatus,
  TERMINAL_STATUSES,
  TRANSITIONS,
} from './lifecycle.js';
export { isName, MAX_NAME_LENGTH, NAME_PATTERN, nameSchema } from './names.js';
export type { Notification, NotificationList } from './notification.js';
export {
  type ApprovalRequest,
  approvalSchema,
  type CancelRequest,
  cancelSchema,
  type ListActionsQuery,
  listActionsQuerySchema,
  type PlaygroundEvalRequest,
  playgroundEvalSchema,
  type ResultRequest,
  resultSchema,
  type StreamQuery,
  type SubmitActionRequest,
  streamQuerySchema,
  submitActionSchema,
} from './requests.js';
export type {
  ConditionTrace,
  ExplainResponse,
  Explanation,
  Health,
  LedgerAudit,
  LedgerCheckpointInfo,
  LedgerProblem,
  LedgerProblemKind,
  LimitTrace,
  PlaygroundResult,
  PolicyDiagnostic,
  PolicyStatus,
  Readiness,
  RiskTrace,
  RuleTrace,
  ShellCommandTrace,
  ShellTrace,
  TraceStatus,
  WhoAmI,
} from './responses.js';
export { countInvisible, revealAsText, revealInvisible, type TextPiece } from './reveal-invisible.js';
export { type Submitter, submitterOf } from './submitter.js';
export { parseTimestamp, TIMESTAMP_FORMAT_HINT } from './timestamp.js';
export {
  type ApiToken,
  type CreatedToken,
  type CreateTokenRequest,
  createTokenSchema,
  type ListTokensQuery,
  listTokensQuerySchema,
  MAX_TOKEN_NAME_LENGTH,
  TOKEN_NAME_PATTERN,
  type TokenList,
} from './tokens.js';
