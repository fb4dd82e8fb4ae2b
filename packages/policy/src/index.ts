export { normalizedCommandOf } from './action-view.js';
export type { CaseExpectation, CaseFile, ExpectedDiagnostic, PolicyCase, PolicyRef } from './case-file.js';
export { parseCaseFile } from './case-file.js';
export type { CompiledPolicy } from './compiled-policy.js';
export type { Diagnostic } from './diagnostic.js';
export { formatDiagnostic } from './diagnostic.js';
export type { PolicyDiff, RuleChange, RuleMove, SectionDiff } from './diff-policies.js';
export { diffPolicies } from './diff-policies.js';
export { evaluate } from './evaluate.js';
export type { ConditionTrace, Explanation, RiskTrace, RuleTrace, TraceStatus } from './explain.js';
export { explain } from './explain.js';
export type { PolicyLoadResult } from './load-policy.js';
export { loadPolicy } from './load-policy.js';
export { PATH_KEYS } from './path-scan.js';
export type { CaseResult } from './run-cases.js';
export { runPolicyCases } from './run-cases.js';
export type {
  ActionInput,
  Decision,
  Evaluation,
  MatchSpec,
  ReasonCode,
  RiskLevel,
  RiskRuleInfo,
  RuleInfo,
} from './types.js';
