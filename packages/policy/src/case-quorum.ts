import { isMap, isScalar, type Node } from 'yaml';
import type { QuorumState, Refusal } from './approval-quorum.js';
import type { ApproverPrincipal } from './approver-set.js';
import { parseDuration } from './duration.js';
import {
  type Entry,
  isNull,
  joinPath,
  readMapping,
  readNumber,
  readSequence,
  readString,
  type YamlSource,
} from './yaml-document.js';

/** What one step does: decide as someone, only ask whether they may, run the sweeper, or just look. */
export type QuorumStepAction =
  | { kind: 'approve' | 'deny' | 'ask'; who: ApproverPrincipal; reason: string | null }
  | { kind: 'sweep' }
  | { kind: 'look' };

/** Expected results of a step; only the fields given are checked. Times are relative to when the action became pending. */
export interface QuorumStepExpectation {
  may_decide?: 'ok' | Refusal;
  outcome?: 'partial' | 'approved' | 'denied';
  state?: QuorumState;
  remaining?: number;
  approvals?: string[];
  denied_by?: string | null;
  escalation_step?: number;
  next_escalation_at?: number | null;
  reachable?: boolean;
  waiting_for?: { any_approver?: boolean; approvers?: string[]; identities?: string[]; runtime_groups?: string[] };
  due?: number[];
}

export interface QuorumStep {
  line: number;
  at_ms: number;
  action: QuorumStepAction;
  expect: QuorumStepExpectation;
}

/** A case's `quorum:` timeline, run against the requirement its action was decided with. */
export interface QuorumCase {
  submitter_may_decide: boolean;
  default_ttl_ms: number | null;
  steps: QuorumStep[];
}

const QUORUM_KEYS = ['submitter_may_decide', 'default_ttl', 'steps'];
const STEP_KEYS = ['at', 'approve', 'deny', 'ask', 'sweep', 'reason', 'expect'];
const DOERS = ['approve', 'deny', 'ask', 'sweep'] as const;
const EXPECT_KEYS = [
  'may_decide',
  'outcome',
  'state',
  'remaining',
  'approvals',
  'denied_by',
  'escalation_step',
  'next_escalation_at',
  'reachable',
  'waiting_for',
  'due',
];
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  may_decide: ['ok', 'self_approval_forbidden', 'not_an_approver', 'already_approved', 'already_decided', 'expired'],
  outcome: ['partial', 'approved', 'denied'],
  state: ['pending', 'approved', 'denied', 'expired'],
};
const WAITING_KEYS = ['any_approver', 'approvers', 'identities', 'runtime_groups'];

/** Reads a case's `quorum:` mapping (format in the package README); null after reporting problems. */
export function readQuorumCase(yaml: YamlSource, node: Node | null, path: string): QuorumCase | null {
  const before = yaml.diagnostics.length;
  const entries = readMapping(yaml, node, path, '`quorum`', QUORUM_KEYS);
  if (entries === null) return null;
  const shared = entries.get('submitter_may_decide');
  const submitter_may_decide =
    shared === undefined ? false : readBoolean(yaml, shared, joinPath(path, 'submitter_may_decide'));
  const ttl = entries.get('default_ttl');
  const default_ttl_ms = ttl === undefined ? null : readTime(yaml, ttl, joinPath(path, 'default_ttl'));
  const stepsEntry = entries.get('steps');
  if (stepsEntry === undefined) yaml.error(node, joinPath(path, 'steps'), 'missing_steps', '`quorum` needs `steps:`');
  const nodes =
    stepsEntry === undefined ? [] : (readSequence(yaml, stepsEntry.value, joinPath(path, 'steps'), '`steps`') ?? []);
  const steps: QuorumStep[] = [];
  nodes.forEach((stepNode, index) => {
    const step = readStep(yaml, stepNode, `${joinPath(path, 'steps')}[${index}]`);
    if (step === null) return;
    const previous = steps.at(-1);
    if (previous !== undefined && step.at_ms < previous.at_ms) {
      yaml.error(stepNode, `${joinPath(path, 'steps')}[${index}].at`, 'invalid_value', 'steps go forward in time');
    }
    steps.push(step);
  });
  if (yaml.diagnostics.slice(before).some((d) => d.severity === 'error')) return null;
  return { submitter_may_decide, default_ttl_ms, steps };
}

function readStep(yaml: YamlSource, node: Node, path: string): QuorumStep | null {
  const entries = readMapping(yaml, node, path, 'a quorum step', STEP_KEYS);
  if (entries === null) return null;
  const at = entries.get('at');
  if (at === undefined) yaml.error(node, joinPath(path, 'at'), 'missing_at', 'a step needs `at:` (e.g. 0s, 10m)');
  const at_ms = at === undefined ? null : readTime(yaml, at, joinPath(path, 'at'), true);
  const doers = DOERS.filter((key) => entries.has(key));
  if (doers.length > 1) yaml.error(node, path, 'invalid_value', `a step does one thing; got ${doers.join(', ')}`);
  const reasonEntry = entries.get('reason');
  const reason = reasonEntry === undefined ? null : readString(yaml, reasonEntry, joinPath(path, 'reason'));
  const action = readAction(yaml, entries, path, doers[0], reason);
  const expectEntry = entries.get('expect');
  const expect =
    expectEntry === undefined ? {} : readStepExpectation(yaml, expectEntry.value, joinPath(path, 'expect'));
  if (at_ms === null || action === null || expect === null) return null;
  return { line: yaml.locate(node).line, at_ms, action, expect };
}

function readAction(
  yaml: YamlSource,
  entries: Map<string, Entry>,
  path: string,
  doer: (typeof DOERS)[number] | undefined,
  reason: string | null,
): QuorumStepAction | null {
  if (doer === undefined) return { kind: 'look' };
  const entry = entries.get(doer) as Entry;
  if (doer === 'sweep') return readBoolean(yaml, entry, joinPath(path, 'sweep')) ? { kind: 'sweep' } : { kind: 'look' };
  const who = readWho(yaml, entry, joinPath(path, doer));
  return who === null ? null : { kind: doer, who, reason };
}

// `alice`, or `{name: erin, groups: [sre]}` for a principal with groups from the identity provider.
function readWho(yaml: YamlSource, entry: Entry, path: string): ApproverPrincipal | null {
  if (!isMap(entry.value)) {
    const name = readString(yaml, entry, path);
    return name === null ? null : { name, groups: [] };
  }
  const fields = readMapping(yaml, entry.value, path, 'a principal', ['name', 'groups']);
  const nameEntry = fields?.get('name');
  if (fields === null || nameEntry === undefined) {
    if (fields !== null) yaml.error(entry.value, joinPath(path, 'name'), 'missing_name', 'a principal needs a `name`');
    return null;
  }
  const name = readString(yaml, nameEntry, joinPath(path, 'name'));
  const groupsEntry = fields.get('groups');
  const groups = groupsEntry === undefined ? [] : readStrings(yaml, groupsEntry, joinPath(path, 'groups'));
  return name === null || groups === null ? null : { name, groups };
}

function readStepExpectation(yaml: YamlSource, node: Node | null, path: string): QuorumStepExpectation | null {
  const entries = readMapping(yaml, node, path, '`expect`', EXPECT_KEYS);
  if (entries === null) return null;
  const expect: Record<string, unknown> = {};
  for (const [key, entry] of entries) {
    const keyPath = joinPath(path, key);
    let value: unknown = null;
    if (key in ENUMS) value = readEnum(yaml, entry, keyPath, ENUMS[key] ?? []);
    else if (key === 'remaining' || key === 'escalation_step') value = readNumber(yaml, entry, keyPath);
    else if (key === 'reachable') value = readBoolean(yaml, entry, keyPath);
    else if (key === 'approvals') value = readStrings(yaml, entry, keyPath);
    else if (key === 'due') value = readNumbers(yaml, entry, keyPath);
    else if (key === 'denied_by') value = isNull(entry.value) ? null : readString(yaml, entry, keyPath);
    else if (key === 'next_escalation_at') value = isNull(entry.value) ? null : readTime(yaml, entry, keyPath, true);
    else if (key === 'waiting_for') value = readWaitingFor(yaml, entry.value, keyPath);
    expect[key] = value;
  }
  return expect as QuorumStepExpectation;
}

function readWaitingFor(
  yaml: YamlSource,
  node: Node | null,
  path: string,
): QuorumStepExpectation['waiting_for'] | null {
  const entries = readMapping(yaml, node, path, '`waiting_for`', WAITING_KEYS);
  if (entries === null) return null;
  const expected: Record<string, unknown> = {};
  for (const [key, entry] of entries) {
    expected[key] =
      key === 'any_approver'
        ? readBoolean(yaml, entry, joinPath(path, key))
        : readStrings(yaml, entry, joinPath(path, key));
  }
  return expected;
}

function readTime(yaml: YamlSource, entry: Entry, path: string, allowZero = false): number | null {
  const text = readString(yaml, entry, path);
  if (text === null) return null;
  const parsed = parseDuration(text, allowZero);
  if ('ms' in parsed) return parsed.ms;
  yaml.error(entry.value, path, 'invalid_duration', parsed.problem);
  return null;
}

function readBoolean(yaml: YamlSource, entry: Entry, path: string): boolean {
  if (isScalar(entry.value) && typeof entry.value.value === 'boolean') return entry.value.value;
  yaml.error(entry.value ?? entry.key, path, 'invalid_type', `${path} must be true or false`);
  return false;
}

function readStrings(yaml: YamlSource, entry: Entry, path: string): string[] | null {
  const items = readSequence(yaml, entry.value, path, path);
  if (items === null) return null;
  const values = items.map((item, index) => readString(yaml, { key: entry.key, value: item }, `${path}[${index}]`));
  return values.every((value) => value !== null) ? (values as string[]) : null;
}

function readNumbers(yaml: YamlSource, entry: Entry, path: string): number[] | null {
  const items = readSequence(yaml, entry.value, path, path);
  if (items === null) return null;
  const values = items.map((item, index) => readNumber(yaml, { key: entry.key, value: item }, `${path}[${index}]`));
  return values.every((value) => value !== null) ? (values as number[]) : null;
}

function readEnum(yaml: YamlSource, entry: Entry, path: string, allowed: readonly string[]): string | null {
  const value = readString(yaml, entry, path);
  if (value === null || allowed.includes(value)) return value;
  yaml.error(entry.value, path, 'invalid_value', `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return null;
}
