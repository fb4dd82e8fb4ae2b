import { isScalar, type Node } from 'yaml';
import type { DeclaredGroups } from './approval-groups.js';
import {
  type ApprovalRequirement,
  DEFAULT_REQUIREMENT,
  deepFreeze,
  type EscalationStep,
} from './approval-requirement.js';
import { parseApproverRef, refKey } from './approver-ref.js';
import { expandRefs } from './approver-set.js';
import { closestKey } from './closest-key.js';
import { formatDuration } from './duration.js';
import { readDurationEntry } from './duration-entry.js';
import type { Decision } from './types.js';
import {
  describe,
  type Entry,
  joinPath,
  readMapping,
  readSequence,
  readString,
  type YamlSource,
} from './yaml-document.js';

/** The rule keys that shape an approval; valid only beside `require_approval: true`. */
export const APPROVAL_KEYS = ['approvers', 'approvals', 'expires_in', 'escalate'] as const;

const STEP_KEYS = ['after', 'approvers', 'notify'];

/**
 * Reads a rule's approval keys into the requirement its decisions will carry, reporting every
 * problem into `yaml`. Null for rules that don't require approval (their approval keys are
 * errors) and for invalid ones; a `require_approval` rule without keys gets the default.
 */
export function readApprovalKeys(
  yaml: YamlSource,
  entries: Map<string, Entry>,
  path: string,
  effect: Decision | null,
  groups: DeclaredGroups,
): ApprovalRequirement | null {
  const present = APPROVAL_KEYS.filter((key) => entries.has(key));
  if (effect !== 'require_approval') {
    for (const key of effect === null ? [] : present) {
      yaml.error(
        entries.get(key)?.key,
        joinPath(path, key),
        'approval_key_without_approval',
        `\`${key}\` applies only to rules with \`require_approval: true\`; this rule has \`${effect}\``,
      );
    }
    return null;
  }
  if (present.length === 0) return DEFAULT_REQUIREMENT;
  const before = yaml.diagnostics.length;
  const approversEntry = entries.get('approvers');
  const approvers =
    approversEntry === undefined ? null : readRefList(yaml, approversEntry, joinPath(path, 'approvers'), groups);
  const approvalsEntry = entries.get('approvals');
  const approvals = approvalsEntry === undefined ? 1 : readApprovals(yaml, approvalsEntry, joinPath(path, 'approvals'));
  const expiresEntry = entries.get('expires_in');
  const expires_in_ms =
    expiresEntry === undefined ? null : readDuration(yaml, expiresEntry, joinPath(path, 'expires_in'));
  const escalateEntry = entries.get('escalate');
  const escalate =
    escalateEntry === undefined
      ? []
      : readEscalation(yaml, escalateEntry, joinPath(path, 'escalate'), groups, approvers, expires_in_ms);
  if (yaml.diagnostics.slice(before).some((d) => d.severity === 'error')) return null;
  const requirement = { approvers, approvals, expires_in_ms, escalate, groups: {} };
  const snapshot = snapshotGroups(requirement, groups);
  if (snapshot === null) return null; // names a group whose own problems are already reported
  const complete: ApprovalRequirement = { ...requirement, groups: snapshot };
  checkReachable(yaml, approvalsEntry, joinPath(path, 'approvals'), complete);
  return deepFreeze(complete);
}

function readApprovals(yaml: YamlSource, entry: Entry, path: string): number {
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  yaml.error(
    entry.value ?? entry.key,
    path,
    'invalid_approvals',
    `approvals must be a whole number of at least 1, got ${describe(entry.value)}`,
  );
  return 1;
}

function readDuration(yaml: YamlSource, entry: Entry, path: string): number | null {
  return readDurationEntry(yaml, entry, path, 'invalid_duration');
}

function readRefList(yaml: YamlSource, entry: Entry, path: string, groups: DeclaredGroups): string[] {
  const items = readSequence(yaml, entry.value, path, `\`${path.slice(path.lastIndexOf('.') + 1)}\``);
  if (items === null) return [];
  if (items.length === 0) {
    yaml.error(
      entry.value,
      path,
      'empty_approvers',
      'the list is empty, so nobody would match; remove the key instead',
    );
  }
  const seen = new Set<string>();
  const refs: string[] = [];
  items.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    const text = readString(yaml, { key: entry.key, value: item }, itemPath);
    const problem = text === null ? null : refProblem(text, groups, seen);
    if (problem !== null) yaml.error(item, itemPath, problem.code, problem.message);
    else if (text !== null) refs.push(text);
  });
  return refs;
}

// Why one written approver can't be used (and records it as seen when it can).
function refProblem(text: string, groups: DeclaredGroups, seen: Set<string>): { code: string; message: string } | null {
  const parsed = parseApproverRef(text, 'approvers');
  if (!('ref' in parsed)) return { code: parsed.code, message: parsed.problem };
  const { ref } = parsed;
  if (ref.kind === 'group' && !groups.has(ref.name)) {
    const suggestion = closestKey(ref.name, [...groups.keys()]);
    const hint = suggestion === null ? '' : ` (did you mean "${suggestion}"?)`;
    return {
      code: 'unknown_group',
      message: `no group "${ref.name}" is declared under \`groups:\`${hint}; write a token name as user:${ref.name}, a group from the identity provider as group:${ref.name}`,
    };
  }
  if (seen.has(refKey(ref))) return { code: 'duplicate_approver', message: `${JSON.stringify(text)} is listed twice` };
  seen.add(refKey(ref));
  return null;
}

function readEscalation(
  yaml: YamlSource,
  entry: Entry,
  path: string,
  groups: DeclaredGroups,
  approvers: readonly string[] | null,
  expires: number | null,
): EscalationStep[] {
  const nodes = readSequence(yaml, entry.value, path, '`escalate`') ?? [];
  const steps: EscalationStep[] = [];
  let previous: number | null = null;
  nodes.forEach((node, index) => {
    const stepPath = `${path}[${index}]`;
    const step = readStep(yaml, node, stepPath, groups);
    if (step === null) return;
    const at = step.after.value ?? step.after.key;
    if (previous !== null && step.after_ms <= previous) {
      yaml.error(
        at,
        joinPath(stepPath, 'after'),
        'escalation_out_of_order',
        `after: ${formatDuration(step.after_ms)} must be later than the previous step's ${formatDuration(previous)}`,
      );
    }
    if (expires !== null && step.after_ms >= expires) {
      yaml.error(
        at,
        joinPath(stepPath, 'after'),
        'escalation_after_expiry',
        `after: ${formatDuration(step.after_ms)} is not before expires_in: ${formatDuration(expires)}, so the step could never fire`,
      );
    }
    if (approvers === null && step.approvers.length > 0) {
      yaml.warning(
        node,
        joinPath(stepPath, 'approvers'),
        'escalation_widens_nothing',
        'the rule has no `approvers`, so any approver may already decide; this step adds nobody',
      );
    }
    previous = step.after_ms;
    steps.push({ after_ms: step.after_ms, approvers: step.approvers, notify: step.notify });
  });
  return steps;
}

function readStep(
  yaml: YamlSource,
  node: Node,
  path: string,
  groups: DeclaredGroups,
): (EscalationStep & { after: Entry }) | null {
  const entries = readMapping(yaml, node, path, 'an escalation step', STEP_KEYS);
  if (entries === null) return null;
  const after = entries.get('after');
  if (after === undefined) {
    yaml.error(node, joinPath(path, 'after'), 'missing_after', 'an escalation step needs `after:` (e.g. 10m)');
  }
  const after_ms = after === undefined ? null : readDuration(yaml, after, joinPath(path, 'after'));
  const approvers = entries.get('approvers');
  const notify = entries.get('notify');
  if (approvers === undefined && notify === undefined) {
    yaml.error(
      node,
      path,
      'empty_escalation_step',
      'an escalation step needs `approvers` (who may also decide) and/or `notify` (who is told)',
    );
  }
  const step = {
    approvers: approvers === undefined ? [] : readRefList(yaml, approvers, joinPath(path, 'approvers'), groups),
    notify: notify === undefined ? [] : readRefList(yaml, notify, joinPath(path, 'notify'), groups),
  };
  return after === undefined || after_ms === null ? null : { after, after_ms, ...step };
}

// Only the groups the rule names, so the stored requirement is self-contained and small.
function snapshotGroups(requirement: ApprovalRequirement, groups: DeclaredGroups): Record<string, string[]> | null {
  const refs = [
    ...(requirement.approvers ?? []),
    ...requirement.escalate.flatMap((step) => [...step.approvers, ...step.notify]),
  ];
  const snapshot: Record<string, string[]> = {};
  for (const name of [...new Set(refs)].sort()) {
    const members = groups.get(name);
    if (members === null) return null;
    if (members !== undefined) snapshot[name] = [...members];
  }
  return snapshot;
}

// Counts everyone who could ever approve: the approvers and every escalation step's. A rule
// without `approvers`, or naming a `group:` from the identity provider, has no fixed bound.
function checkReachable(
  yaml: YamlSource,
  entry: Entry | undefined,
  path: string,
  requirement: ApprovalRequirement,
): void {
  if (entry === undefined || requirement.approvers === null) return;
  const everyone = expandRefs(
    [...requirement.approvers, ...requirement.escalate.flatMap((step) => step.approvers)],
    requirement.groups,
  );
  if (everyone.runtimeGroups.size > 0 || requirement.approvals <= everyone.identities.size) return;
  yaml.error(
    entry.value ?? entry.key,
    path,
    'approvals_unreachable',
    `approvals: ${requirement.approvals} can never be reached: only ${everyone.identities.size} distinct ${
      everyone.identities.size === 1 ? 'identity' : 'identities'
    } (${[...everyone.identities.values()].join(', ')}) could ever approve`,
  );
}
