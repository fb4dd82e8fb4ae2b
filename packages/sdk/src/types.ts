import type { PolicyStatus } from '@faramesh/contract';

// Response shapes live in the contract, shared with the server that produces them.
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
  Readiness,
  RiskTrace,
  RuleTrace,
  ShellTrace,
  TokenList,
  TraceStatus,
  WhoAmI,
} from '@faramesh/contract';

/** `GET /v1/policy`; `POST /v1/policy/reload` adds `changed`. */
export type PolicyInfo = PolicyStatus & { changed?: boolean };
