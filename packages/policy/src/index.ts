export { shellAnalysisOf } from './action-view.js';
export type { DueEscalation } from './approval-escalation.js';
export { approvalDeadline, dueEscalations, stepsReached } from './approval-escalation.js';
export type {
  MayDecide,
  QuorumInput,
  QuorumState,
  QuorumStatus,
  RecordedDecision,
  RecordOutcome,
  Refusal,
  WaitingFor,
} from './approval-quorum.js';
export { describeWaitingFor, mayDecide, quorumStatus, recordDecision } from './approval-quorum.js';
export type { ApprovalRequirement, EscalationStep } from './approval-requirement.js';
export { DEFAULT_REQUIREMENT } from './approval-requirement.js';
export { readApprovalRequirement } from './approval-requirement-json.js';
export { type ApproverRef, identityKey, parseApproverRef } from './approver-ref.js';
export type { ApproverPrincipal } from './approver-set.js';
export { expandRefs } from './approver-set.js';
export { characterCount, isBlankText } from './blank-text.js';
export type { BreakGlassActor, BreakGlassRefusalCode, BreakGlassVerdict } from './break-glass-rules.js';
export { BREAK_GLASS_RULES, mayAcknowledge, mayBreakGlass } from './break-glass-rules.js';
export type { CaseExpectation, CaseFile, ExpectedDiagnostic, PolicyCase, PolicyRef } from './case-file.js';
export { parseCaseFile } from './case-file.js';
export type { HistoryDecision, HistoryEntry } from './case-history.js';
export { historyUsage } from './case-history.js';
export { closestKey } from './closest-key.js';
export type { CompiledPolicy } from './compiled-policy.js';
export type { Diagnostic } from './diagnostic.js';
export { formatDiagnostic } from './diagnostic.js';
export type { PolicyDiff, RuleChange, RuleMove, SectionDiff } from './diff-policies.js';
export { diffPolicies } from './diff-policies.js';
export { formatDuration, MAX_DURATION_MS, parseDuration } from './duration.js';
export { evaluate } from './evaluate.js';
export type { ConditionTrace, Explanation, RiskTrace, RuleTrace, ShellTrace, TraceStatus } from './explain.js';
export { explain } from './explain.js';
export type { GlobMatcher } from './glob.js';
export { compileGlob } from './glob.js';
export type { Coverage, GrantCandidateCall, GrantCreator, GrantRefusal, GrantTerms } from './grant-coverage.js';
export { grantCovers } from './grant-coverage.js';
export type { ScopeMatch } from './grant-match.js';
export { matchGrantScope } from './grant-match.js';
export { proposeGrantScope } from './grant-proposal.js';
export type { ConstraintKind, GrantScope, ParamConstraint, ScopeProblem, ScopeValidation } from './grant-scope.js';
export { CONSTRAINT_KINDS, constraintKind, validateGrantScope } from './grant-scope.js';
export type { LimitEvaluation, WindowUsage } from './limit-check.js';
export { withWindowUsage } from './limit-check.js';
export { limitKeyCacheBytes } from './limit-key.js';
export { limitReadsRedacted } from './limit-redaction.js';
export type { LoadPolicyOptions, PolicyLoadResult } from './load-policy.js';
export { loadPolicy } from './load-policy.js';
export { PATH_KEYS } from './path-scan.js';
export { REDACT_ROOTS } from './redact-paths.js';
export type { RedactedRequest } from './redaction.js';
export { pathsOverlap, type RedactionChange, redactionChange, redactionPaths, redactRequest } from './redaction.js';
export type { OverLimit, RuleLimit } from './rule-limit.js';
export type { CaseResult } from './run-cases.js';
export { runPolicyCases } from './run-cases.js';
export type { ShellAnalysis } from './shell-analysis.js';
export { analyzeShell } from './shell-analysis.js';
export type { ShellCommand, ShellRedirect } from './shell-command.js';
export type {
  ActionInput,
  ActionPrincipal,
  CommandAllowance,
  Decision,
  Evaluation,
  MatchSpec,
  ReasonCode,
  RiskLevel,
  RiskRuleInfo,
  RuleInfo,
} from './types.js';
export { PRINCIPAL_ROLES } from './types.js';
