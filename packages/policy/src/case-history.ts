import { isScalar, type Node } from 'yaml';
import { ACTION_KEYS, actionFromEntries } from './case-action.js';
import type { CompiledPolicy } from './compiled-policy.js';
import { readDurationEntry } from './duration-entry.js';
import { evaluate } from './evaluate.js';
import type { LimitEvaluation } from './limit-check.js';
import type { ActionInput } from './types.js';
import { describe, type Entry, joinPath, readMapping, readSequence, type YamlSource } from './yaml-document.js';

/**
 * What became of an earlier action: `allow` (allowed when submitted) and `approved` (approved by a
 * person) count toward limits, from `ago`; `require_approval` (still waiting) and `deny` don't.
 */
export type HistoryDecision = 'allow' | 'approved' | 'require_approval' | 'deny';

/** An earlier action of a case: what was submitted, how long before the case's action, what became of it. */
export interface HistoryEntry {
  action: ActionInput;
  /** How long before the case's action it was counted (allowed or approved), in ms. */
  ago_ms: number;
  decision: HistoryDecision;
  /** The same action this many times (default 1), so "20 refunds in the last hour" is one line. */
  repeat: number;
}

const HISTORY_KEYS = [...ACTION_KEYS, 'ago', 'decision', 'repeat'];
const DECISIONS: readonly HistoryDecision[] = ['allow', 'approved', 'require_approval', 'deny'];
const MAX_REPEAT = 100_000;

/** Reads a case's `history:` list, reporting every problem into `yaml`. */
export function readCaseHistory(yaml: YamlSource, node: Node | null, path: string): HistoryEntry[] {
  const items = readSequence(yaml, node, path, '`history`') ?? [];
  return items.flatMap((item, index) => {
    const itemPath = `${path}[${index}]`;
    const entries = readMapping(yaml, item, itemPath, 'a history entry', HISTORY_KEYS);
    if (entries === null) return [];
    const action = actionFromEntries(yaml, item, entries, itemPath);
    const ago = entries.get('ago');
    if (ago === undefined) {
      yaml.error(item, joinPath(itemPath, 'ago'), 'missing_ago', 'a history entry needs `ago:` (0s, 30m, 2h, 1d)');
    }
    const ago_ms =
      ago === undefined ? null : readDurationEntry(yaml, ago, joinPath(itemPath, 'ago'), 'invalid_duration', true);
    const decisionEntry = entries.get('decision');
    const decision =
      decisionEntry === undefined ? 'allow' : readDecision(yaml, decisionEntry, joinPath(itemPath, 'decision'));
    const repeatEntry = entries.get('repeat');
    const repeat = repeatEntry === undefined ? 1 : readRepeat(yaml, repeatEntry, joinPath(itemPath, 'repeat'));
    if (action === null || ago_ms === null || decision === null || repeat === null) return [];
    return [{ action, ago_ms, decision, repeat }];
  });
}

/**
 * The usage of `check`'s bucket in its window, from a case's history: every entry that counted
 * (allowed or approved) less than `per` ago and that the policy charges to the same bucket adds
 * its amount, exactly as the server counts stored actions.
 */
export function historyUsage(policy: CompiledPolicy, check: LimitEvaluation, history: readonly HistoryEntry[]): number {
  let used = 0;
  for (const entry of history) {
    if (entry.decision !== 'allow' && entry.decision !== 'approved') continue;
    if (entry.ago_ms >= check.per_ms) continue;
    const charged = evaluate(policy, entry.action).limit;
    if (charged === null || charged.key !== check.key) continue;
    used += (charged.amount ?? 0) * entry.repeat;
  }
  return used;
}

function readDecision(yaml: YamlSource, entry: Entry, path: string): HistoryDecision | null {
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  if (typeof value === 'string' && (DECISIONS as readonly string[]).includes(value)) return value as HistoryDecision;
  yaml.error(
    entry.value ?? entry.key,
    path,
    'invalid_value',
    `expected one of ${DECISIONS.join(', ')}, got ${describe(entry.value)}`,
  );
  return null;
}

function readRepeat(yaml: YamlSource, entry: Entry, path: string): number | null {
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_REPEAT) return value;
  yaml.error(
    entry.value ?? entry.key,
    path,
    'invalid_value',
    `repeat must be a whole number from 1 to ${MAX_REPEAT}, got ${describe(entry.value)}`,
  );
  return null;
}
