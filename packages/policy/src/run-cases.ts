import { ActionView } from './action-view.js';
import type { CaseExpectation, ExpectedDiagnostic, PolicyCase } from './case-file.js';
import { historyUsage } from './case-history.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { Diagnostic } from './diagnostic.js';
import { formatDiagnostic } from './diagnostic.js';
import { evaluate } from './evaluate.js';
import { explain } from './explain.js';
import { loadPolicy } from './load-policy.js';
import { pathsSummary } from './path-expectation.js';
import { redactionPaths } from './redaction.js';
import { runQuorumCase } from './run-quorum.js';

/** Outcome of one case; `failures` says what differed, one line per field. */
export interface CaseResult {
  name: string;
  line: number;
  passed: boolean;
  failures: string[];
}

/**
 * Runs cases against `policy` (or against each case's own inline `policy`). Pure: the caller
 * resolves `policy_file` and reads files. Action cases check `evaluate` and also that `explain`
 * reaches the same evaluation, so the trace can never drift from the decision. A case's `history`
 * is the usage its action's limit (if any) sees.
 */
export function runPolicyCases(policy: CompiledPolicy | null, cases: readonly PolicyCase[]): CaseResult[] {
  return cases.map((testCase) => {
    const failures = runCase(policy, testCase);
    return { name: testCase.name, line: testCase.line, passed: failures.length === 0, failures };
  });
}

function runCase(fallback: CompiledPolicy | null, testCase: PolicyCase): string[] {
  const failures: string[] = [];
  let policy = fallback;
  if (testCase.policy !== null) {
    const loaded = loadPolicy(testCase.policy, testCase.label);
    const errors = loaded.ok ? [] : loaded.diagnostics.filter((d) => d.severity === 'error');
    const warnings = loaded.ok ? loaded.warnings : [];
    if (testCase.expect_errors !== null) failures.push(...compareDiagnostics('error', testCase.expect_errors, errors));
    else if (!loaded.ok) failures.push(...errors.map((d) => `unexpected ${formatDiagnostic(d)}`));
    if (testCase.expect_warnings !== null)
      failures.push(...compareDiagnostics('warning', testCase.expect_warnings, warnings));
    policy = loaded.ok ? loaded.policy : null;
  }
  if (testCase.action === null || testCase.expect === null) return failures;
  if (policy === null) return [...failures, 'no valid policy to evaluate the action against'];
  // A limited rule is decided against the usage the case's history adds up to in its window.
  const unlimited = evaluate(policy, testCase.action);
  const usage = new Map<string, number>();
  if (unlimited.limit !== null) usage.set(unlimited.limit.key, historyUsage(policy, unlimited.limit, testCase.history));
  const evaluation = evaluate(policy, testCase.action, usage);
  const explanation = explain(policy, testCase.action, usage);
  const paths = testCase.expect.paths && pathsSummary(new ActionView(testCase.action).paths(), testCase.expect.paths);
  failures.push(
    ...compareExpectation(testCase.expect, {
      ...evaluation,
      normalized_command: explanation.normalized_command,
      paths,
      redact: redactionPaths(policy, evaluation),
    }),
  );
  if (testCase.quorum !== null) {
    const submitter = testCase.action.principal?.name ?? null;
    failures.push(...runQuorumCase(evaluation.approval, submitter, testCase.quorum));
  }
  for (const key of Object.keys(evaluation) as (keyof typeof evaluation)[]) {
    if (JSON.stringify(evaluation[key]) !== JSON.stringify(explanation[key])) {
      failures.push(
        `explain disagrees with evaluate on ${key}: ${JSON.stringify(explanation[key])} vs ${JSON.stringify(evaluation[key])}`,
      );
    }
  }
  return failures;
}

function compareExpectation(expect: CaseExpectation, actual: Record<string, unknown>): string[] {
  const failures: string[] = [];
  for (const [key, expected] of Object.entries(expect)) {
    let got = actual[key];
    let want: unknown = expected;
    if (key === 'matched_rule' && got !== null && typeof got === 'object') {
      const rule = got as { index: number; description: string | null };
      if (typeof expected === 'number') got = rule.index;
      else if (expected !== null && typeof expected === 'object' && !('description' in expected))
        got = { index: rule.index };
    }
    if (key === 'matched_rule' && expected !== null && typeof expected === 'object') want = { ...expected };
    if (JSON.stringify(sortKeys(got)) !== JSON.stringify(sortKeys(want))) {
      failures.push(`${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
  return failures;
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, inner]) => [key, sortKeys(inner)]),
  );
}

// Order-insensitive and exact: every expected diagnostic must match a distinct actual one on the
// fields it gives, and no actual diagnostic may be left over.
function compareDiagnostics(
  kind: string,
  expected: readonly ExpectedDiagnostic[],
  actual: readonly Diagnostic[],
): string[] {
  const remaining = [...actual];
  const failures: string[] = [];
  for (const want of expected) {
    const found = remaining.findIndex(
      (d) =>
        d.code === want.code &&
        (want.line === undefined || d.line === want.line) &&
        (want.column === undefined || d.column === want.column) &&
        (want.path === undefined || d.path === want.path),
    );
    if (found < 0) failures.push(`missing ${kind} ${JSON.stringify(want)}`);
    else remaining.splice(found, 1);
  }
  for (const extra of remaining) failures.push(`unexpected ${formatDiagnostic(extra)} (path ${extra.path})`);
  return failures;
}
