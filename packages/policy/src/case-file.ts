import { isMap, isScalar, type Node } from 'yaml';
import type { ApprovalRequirement } from './approval-requirement.js';
import { readCaseAction, required } from './case-action.js';
import { type HistoryEntry, readCaseHistory } from './case-history.js';
import { type QuorumCase, readQuorumCase } from './case-quorum.js';
import type { Diagnostic } from './diagnostic.js';
import { type PathsExpectation, readPathsExpectation } from './path-expectation.js';
import type { ActionInput, Decision, ReasonCode, RiskLevel } from './types.js';
import {
  type Entry,
  joinPath,
  readMapping,
  readNumber,
  readSequence,
  readString,
  YamlSource,
} from './yaml-document.js';

/** Where a case file's policy comes from. `file` paths are relative to the case file; the caller reads them. */
export type PolicyRef = { kind: 'inline'; source: string } | { kind: 'file'; path: string };

/** Expected fields of an evaluation; only the fields given are checked. */
export interface CaseExpectation {
  decision?: Decision;
  reason?: string | null;
  reason_code?: ReasonCode;
  risk_level?: RiskLevel;
  risk_rule?: string | null;
  /** null, the rule's index, or `{index, description}`. */
  matched_rule?: null | number | { index: number; description?: string | null };
  normalized_command?: string | null;
  /** The normalised paths path conditions see (see `path-expectation.ts`). */
  paths?: PathsExpectation;
  /** The approval requirement the decision carries (`Evaluation.approval`), compared as JSON. */
  approval?: ApprovalRequirement | null;
  /** The paths stored as digests for this action (`redactionPaths`): the policy's plus the deciding rule's. */
  redact?: string[];
}

/** An expected diagnostic; `line`/`column` are relative to the case's inline policy text. */
export interface ExpectedDiagnostic {
  code: string;
  line?: number;
  column?: number;
  path?: string;
}

/** One case: an action with its expected evaluation, and/or the diagnostics a policy must produce. */
export interface PolicyCase {
  name: string;
  /** Line of the case in its case file, for reporting. */
  line: number;
  /** Label used as the `file` of diagnostics from this case's inline policy. */
  label: string;
  /** Inline policy overriding the file's policy for this case. */
  policy: string | null;
  action: ActionInput | null;
  expect: CaseExpectation | null;
  expect_errors: ExpectedDiagnostic[] | null;
  expect_warnings: ExpectedDiagnostic[] | null;
  /** A timeline of approvals played against the action's requirement (case-quorum.ts). */
  quorum: QuorumCase | null;
  /** Earlier actions, for rules with a `limit` (case-history.ts); empty without `history`. */
  history: HistoryEntry[];
}

export interface CaseFile {
  name: string;
  description: string | null;
  policy: PolicyRef | null;
  cases: PolicyCase[];
}

const FILE_KEYS = ['name', 'description', 'policy', 'policy_file', 'cases'];
const CASE_KEYS = ['name', 'policy', 'action', 'expect', 'expect_errors', 'expect_warnings', 'quorum', 'history'];
const EXPECT_KEYS = [
  'decision',
  'reason',
  'reason_code',
  'risk_level',
  'risk_rule',
  'matched_rule',
  'normalized_command',
  'paths',
  'approval',
  'redact',
];
const DIAGNOSTIC_KEYS = ['code', 'line', 'column', 'path'];
const DECISIONS = ['allow', 'deny', 'require_approval'];
const REASON_CODES = [
  'rule_allow',
  'rule_deny',
  'rule_require_approval',
  'high_risk_upgrade',
  'no_rule_matched',
  'limit_reached',
];
const RISK_LEVELS = ['low', 'medium', 'high'];

/** Parses and validates a policy case file (format in the package README). */
export function parseCaseFile(
  source: string,
  file: string,
): { ok: true; file: CaseFile } | { ok: false; diagnostics: Diagnostic[] } {
  const yaml = new YamlSource(source, file);
  const root = yaml.document.contents as Node | null;
  if (yaml.hasErrors()) return { ok: false, diagnostics: yaml.diagnostics };
  const top = readMapping(yaml, root, '', 'a case file', FILE_KEYS);
  if (top === null) return { ok: false, diagnostics: yaml.diagnostics };
  const name = required(yaml, root, top, 'name', '');
  const description = top.has('description') ? readString(yaml, top.get('description') as Entry, 'description') : null;
  let policy: PolicyRef | null = null;
  const inline = top.get('policy');
  const policyFile = top.get('policy_file');
  if (inline !== undefined && policyFile !== undefined) {
    yaml.error(policyFile.key, 'policy_file', 'conflicting_policy', 'use either `policy` or `policy_file`, not both');
  } else if (inline !== undefined) {
    const text = readString(yaml, inline, 'policy');
    if (text !== null) policy = { kind: 'inline', source: text };
  } else if (policyFile !== undefined) {
    const path = readString(yaml, policyFile, 'policy_file');
    if (path !== null) policy = { kind: 'file', path };
  }
  const casesEntry = top.get('cases');
  if (casesEntry === undefined) yaml.error(root, 'cases', 'missing_cases', 'the case file has no `cases:` list');
  const nodes = casesEntry === undefined ? [] : (readSequence(yaml, casesEntry.value, 'cases', '`cases`') ?? []);
  const cases = nodes.flatMap((node, index) => {
    const parsed = readCase(yaml, node, `cases[${index}]`, file);
    return parsed === null ? [] : [parsed];
  });
  if (yaml.hasErrors() || name === null) return { ok: false, diagnostics: yaml.diagnostics };
  return { ok: true, file: { name, description, policy, cases } };
}

function readCase(yaml: YamlSource, node: Node, path: string, file: string): PolicyCase | null {
  const entries = readMapping(yaml, node, path, 'a case', CASE_KEYS);
  if (entries === null) return null;
  const name = required(yaml, node, entries, 'name', path);
  const policyEntry = entries.get('policy');
  const policy = policyEntry === undefined ? null : readString(yaml, policyEntry, joinPath(path, 'policy'));
  const actionEntry = entries.get('action');
  const action = actionEntry === undefined ? null : readCaseAction(yaml, actionEntry.value, joinPath(path, 'action'));
  const expectEntry = entries.get('expect');
  const expect = expectEntry === undefined ? null : readExpectation(yaml, expectEntry.value, joinPath(path, 'expect'));
  const errorsEntry = entries.get('expect_errors');
  const expect_errors =
    errorsEntry === undefined
      ? null
      : readExpectedDiagnostics(yaml, errorsEntry.value, joinPath(path, 'expect_errors'));
  const warningsEntry = entries.get('expect_warnings');
  const expect_warnings =
    warningsEntry === undefined
      ? null
      : readExpectedDiagnostics(yaml, warningsEntry.value, joinPath(path, 'expect_warnings'));
  const quorumEntry = entries.get('quorum');
  const quorum = quorumEntry === undefined ? null : readQuorumCase(yaml, quorumEntry.value, joinPath(path, 'quorum'));
  const historyEntry = entries.get('history');
  const history =
    historyEntry === undefined ? [] : readCaseHistory(yaml, historyEntry.value, joinPath(path, 'history'));
  if (historyEntry !== undefined && actionEntry === undefined) {
    yaml.error(
      historyEntry.key,
      joinPath(path, 'history'),
      'incomplete_case',
      '`history` needs the `action` it precedes',
    );
  }
  if (quorumEntry !== undefined && actionEntry === undefined) {
    yaml.error(quorumEntry.key, joinPath(path, 'quorum'), 'incomplete_case', '`quorum` needs the `action` it approves');
  }
  if ((actionEntry === undefined) !== (expectEntry === undefined)) {
    yaml.error(node, path, 'incomplete_case', '`action` and `expect` go together');
  }
  if (actionEntry === undefined && errorsEntry === undefined && warningsEntry === undefined) {
    yaml.error(node, path, 'empty_case', 'a case needs `action` + `expect`, `expect_errors` or `expect_warnings`');
  }
  if (errorsEntry !== undefined && actionEntry !== undefined) {
    yaml.error(
      errorsEntry.key,
      joinPath(path, 'expect_errors'),
      'incompatible_case',
      'a policy with errors cannot evaluate an action',
    );
  }
  if ((errorsEntry !== undefined || warningsEntry !== undefined) && policyEntry === undefined) {
    yaml.error(node, joinPath(path, 'policy'), 'missing_policy', 'diagnostic cases need their own inline `policy`');
  }
  if (name === null) return null;
  const { line } = yaml.locate(node);
  return {
    name,
    line,
    label: `${file}#${name}`,
    policy,
    action,
    expect,
    expect_errors,
    expect_warnings,
    quorum,
    history,
  };
}

function readExpectation(yaml: YamlSource, node: Node | null, path: string): CaseExpectation | null {
  const entries = readMapping(yaml, node, path, '`expect`', EXPECT_KEYS);
  if (entries === null) return null;
  const expect: CaseExpectation = {};
  const decision = readEnum(yaml, entries.get('decision'), joinPath(path, 'decision'), DECISIONS);
  if (decision !== undefined) expect.decision = decision as Decision;
  const reasonCode = readEnum(yaml, entries.get('reason_code'), joinPath(path, 'reason_code'), REASON_CODES);
  if (reasonCode !== undefined) expect.reason_code = reasonCode as ReasonCode;
  const risk = readEnum(yaml, entries.get('risk_level'), joinPath(path, 'risk_level'), RISK_LEVELS);
  if (risk !== undefined) expect.risk_level = risk as RiskLevel;
  for (const key of ['reason', 'risk_rule', 'normalized_command'] as const) {
    const entry = entries.get(key);
    if (entry === undefined) continue;
    expect[key] = isNull(entry.value) ? null : readString(yaml, entry, joinPath(path, key));
  }
  const paths = entries.get('paths');
  if (paths !== undefined) {
    const expected = readPathsExpectation(yaml, paths.value, joinPath(path, 'paths'));
    if (expected !== null) expect.paths = expected;
  }
  const approval = entries.get('approval');
  if (approval !== undefined) {
    expect.approval = isNull(approval.value) ? null : (approval.value?.toJSON() as ApprovalRequirement);
  }
  const redact = entries.get('redact');
  if (redact !== undefined) {
    const items = readSequence(yaml, redact.value, joinPath(path, 'redact'), '`redact`');
    if (items !== null) expect.redact = items.map((item) => String(isScalar(item) ? item.value : item));
  }
  const matched = entries.get('matched_rule');
  if (matched !== undefined) {
    if (isNull(matched.value)) expect.matched_rule = null;
    else if (isMap(matched.value)) expect.matched_rule = matched.value.toJSON() as { index: number };
    else {
      const index = readNumber(yaml, matched, joinPath(path, 'matched_rule'));
      if (index !== null) expect.matched_rule = index;
    }
  }
  return expect;
}

function readEnum(
  yaml: YamlSource,
  entry: Entry | undefined,
  path: string,
  allowed: readonly string[],
): string | undefined {
  if (entry === undefined) return undefined;
  const value = readString(yaml, entry, path);
  if (value === null) return undefined;
  if (!allowed.includes(value))
    yaml.error(
      entry.value,
      path,
      'invalid_value',
      `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
    );
  return value;
}

function readExpectedDiagnostics(yaml: YamlSource, node: Node | null, path: string): ExpectedDiagnostic[] | null {
  const items = readSequence(yaml, node, path, path);
  if (items === null) return null;
  const result: ExpectedDiagnostic[] = [];
  items.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    const entries = readMapping(yaml, item, itemPath, 'an expected diagnostic', DIAGNOSTIC_KEYS);
    if (entries === null) return;
    const code = required(yaml, item, entries, 'code', itemPath);
    if (code === null) return;
    const expected: ExpectedDiagnostic = { code };
    for (const key of ['line', 'column'] as const) {
      const entry = entries.get(key);
      const value = entry === undefined ? null : readNumber(yaml, entry, joinPath(itemPath, key));
      if (value !== null) expected[key] = value;
    }
    const pathEntry = entries.get('path');
    const diagnosticPath = pathEntry === undefined ? null : readString(yaml, pathEntry, joinPath(itemPath, 'path'));
    if (diagnosticPath !== null) expected.path = diagnosticPath;
    result.push(expected);
  });
  return result;
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}
