import { isScalar } from 'yaml';
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

/** The rule keys of a rate or budget limit; valid only beside `allow: true`. */
export const LIMIT_RULE_KEYS = ['limit', 'over_limit'] as const;

/** What happens to a call that doesn't fit its rule's limit. */
export type OverLimit = 'require_approval' | 'deny';

/**
 * A validated `limit:`: at most `max` calls (`count`) or `max` of a summed param (`sum`) per
 * sliding window of `per_ms`, counted separately for each combination of the `by` fields' values.
 */
export interface RuleLimit {
  measure: 'count' | 'sum';
  /** The summed param as a dotted path under params (`amount`, `cost.total`); null for count. */
  sum: string | null;
  max: number;
  per_ms: number;
  /** Fields whose values split the count: agent_id, tool, operation, principal, params.X, context.X. */
  by: string[];
  over_limit: OverLimit;
  /** How reasons and traces name it: `limit 20 per 1h by agent_id`. */
  text: string;
}

/** The largest `count`: beyond it a limit is a typo, not a policy. */
export const MAX_LIMIT_COUNT = 1_000_000_000;
/** The largest `max` of a sum: sums stay exact integers below 2^53 (amounts in cents, say). */
export const MAX_LIMIT_SUM = 1e15;
const MAX_BY_FIELDS = 8;

const LIMIT_FIELDS = ['count', 'sum', 'max', 'per', 'by'];
const OVER_LIMIT_VALUES: readonly OverLimit[] = ['require_approval', 'deny'];
/** `by` fields other than params/context paths; `op` is read as `operation`. */
const BY_FIELDS = ['agent_id', 'tool', 'operation', 'principal'];
/** Fields of the action that are text, never a number to sum. */
const TEXT_FIELDS = ['agent_id', 'tool', 'op', 'operation', 'principal', 'principal_role', 'principal_group'];

/**
 * Reads a rule's `limit:` and `over_limit:`, reporting every problem into `yaml`. Null when the rule
 * has no limit or an invalid one; a limit on a rule whose effect isn't `allow` is an error: a limit
 * counts what a rule lets through without a person, while a deny lets nothing through and on a
 * `require_approval` rule a person already sees every call.
 */
export function readRuleLimit(
  yaml: YamlSource,
  entries: Map<string, Entry>,
  path: string,
  effect: Decision | null,
): RuleLimit | null {
  const limitEntry = entries.get('limit');
  const overEntry = entries.get('over_limit');
  if (limitEntry === undefined) {
    if (overEntry !== undefined) {
      yaml.error(
        overEntry.key,
        joinPath(path, 'over_limit'),
        'over_limit_without_limit',
        '`over_limit` says what happens beyond a `limit`, and this rule has none',
      );
    }
    return null;
  }
  if (effect !== null && effect !== 'allow') {
    yaml.error(
      limitEntry.key,
      joinPath(path, 'limit'),
      'limit_not_on_allow',
      `\`limit\` applies only to rules with \`allow: true\` (it bounds what passes without a person); this rule has \`${effect}\``,
    );
    return null;
  }
  const before = yaml.diagnostics.length;
  const over =
    overEntry === undefined ? 'require_approval' : readOverLimit(yaml, overEntry, joinPath(path, 'over_limit'));
  const limit = readLimitMapping(yaml, limitEntry, joinPath(path, 'limit'));
  if (limit === null || over === null || yaml.diagnostics.slice(before).some((d) => d.severity === 'error'))
    return null;
  return { ...limit, over_limit: over, text: limitText(limit) };
}

/** `limit 20 per 1h by agent_id` / `limit sum(amount) 5000 per 24h`. */
export function limitText(limit: Pick<RuleLimit, 'measure' | 'sum' | 'max' | 'per_ms' | 'by'>): string {
  const what = limit.measure === 'count' ? `${limit.max}` : `sum(${limit.sum}) ${limit.max}`;
  const by = limit.by.length === 0 ? '' : ` by ${limit.by.join(', ')}`;
  return `limit ${what} per ${formatDuration(limit.per_ms)}${by}`;
}

function readOverLimit(yaml: YamlSource, entry: Entry, path: string): OverLimit | null {
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  if (typeof value === 'string' && (OVER_LIMIT_VALUES as readonly string[]).includes(value)) return value as OverLimit;
  const suggestion = typeof value === 'string' ? closestKey(value, OVER_LIMIT_VALUES) : null;
  const hint = suggestion === null ? '' : ` (did you mean "${suggestion}"?)`;
  yaml.error(
    entry.value ?? entry.key,
    path,
    'invalid_over_limit',
    `over_limit must be require_approval or deny, got ${describe(entry.value)}${hint}`,
  );
  return null;
}

type LimitShape = Omit<RuleLimit, 'over_limit' | 'text'>;

function readLimitMapping(yaml: YamlSource, entry: Entry, path: string): LimitShape | null {
  const fields = readMapping(yaml, entry.value, path, '`limit`', LIMIT_FIELDS);
  if (fields === null) return null;
  const count = fields.get('count');
  const sum = fields.get('sum');
  const maxEntry = fields.get('max');
  if (count === undefined && sum === undefined) {
    yaml.error(
      entry.value,
      path,
      'missing_limit_measure',
      '`limit` needs `count: N` (calls per window) or `sum: <param>` with `max: N` (a budget per window)',
    );
  }
  if (count !== undefined && sum !== undefined) {
    yaml.error(sum.key, joinPath(path, 'sum'), 'conflicting_limit_measure', 'use either `count` or `sum`, not both');
  }
  if (count !== undefined && maxEntry !== undefined) {
    yaml.error(
      maxEntry.key,
      joinPath(path, 'max'),
      'max_with_count',
      '`count` is already the maximum number of calls; `max` goes with `sum`',
    );
  }
  if (sum !== undefined && maxEntry === undefined) {
    yaml.error(entry.value, joinPath(path, 'max'), 'missing_limit_max', '`sum` needs `max:`, the budget per window');
  }
  const perEntry = fields.get('per');
  if (perEntry === undefined) {
    yaml.error(
      entry.value,
      joinPath(path, 'per'),
      'missing_limit_per',
      '`limit` needs `per:`, its window (30s, 10m, 1h, 1d)',
    );
  }
  const per_ms =
    perEntry === undefined ? null : readDurationEntry(yaml, perEntry, joinPath(path, 'per'), 'invalid_limit_window');
  const byEntry = fields.get('by');
  const by = byEntry === undefined ? [] : readBy(yaml, byEntry, joinPath(path, 'by'));
  if (count !== undefined) {
    const max = readBound(yaml, count, joinPath(path, 'count'), true);
    return max === null || per_ms === null ? null : { measure: 'count', sum: null, max, per_ms, by };
  }
  if (sum === undefined) return null;
  const field = readSumField(yaml, sum, joinPath(path, 'sum'));
  const max = maxEntry === undefined ? null : readBound(yaml, maxEntry, joinPath(path, 'max'), false);
  if (field === null || max === null || per_ms === null) return null;
  return { measure: 'sum', sum: field, max, per_ms, by };
}

function readBound(yaml: YamlSource, entry: Entry, path: string, whole: boolean): number | null {
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  const ceiling = whole ? MAX_LIMIT_COUNT : MAX_LIMIT_SUM;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= ceiling) {
    if (!whole || Number.isInteger(value)) return value;
  }
  const what = whole ? 'a whole number of calls' : 'a number';
  yaml.error(
    entry.value ?? entry.key,
    path,
    'invalid_limit_max',
    `${path.slice(path.lastIndexOf('.') + 1)} must be ${what} above 0 and at most ${ceiling}, got ${describe(entry.value)}`,
  );
  return null;
}

function readSumField(yaml: YamlSource, entry: Entry, path: string): string | null {
  const text = readString(yaml, entry, path);
  if (text === null) return null;
  const field = text.startsWith('params.') ? text.slice('params.'.length) : text;
  if (TEXT_FIELDS.includes(field)) {
    yaml.error(
      entry.value,
      path,
      'limit_sum_not_numeric',
      `sum needs a numeric param such as amount or params.cost.total; ${field} is the action's text, not a number (use count to limit calls)`,
    );
    return null;
  }
  if (text.startsWith('context.') || !validPath(field)) {
    yaml.error(
      entry.value,
      path,
      'invalid_limit_sum',
      `sum must name a param by its dotted path (amount, params.cost.total), got ${JSON.stringify(text)}`,
    );
    return null;
  }
  return field;
}

function readBy(yaml: YamlSource, entry: Entry, path: string): string[] {
  const items = readSequence(yaml, entry.value, path, '`by`');
  if (items === null) return [];
  if (items.length > MAX_BY_FIELDS) {
    yaml.error(entry.value, path, 'invalid_limit_by', `by lists at most ${MAX_BY_FIELDS} fields, got ${items.length}`);
  }
  const seen = new Set<string>();
  const fields: string[] = [];
  items.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    const text = readString(yaml, { key: entry.key, value: item }, itemPath);
    if (text === null) return;
    const field = text === 'op' ? 'operation' : text;
    const problem = byProblem(field);
    if (problem !== null) yaml.error(item, itemPath, 'invalid_limit_by', problem);
    else if (seen.has(field))
      yaml.error(item, itemPath, 'duplicate_limit_by', `${JSON.stringify(text)} is listed twice`);
    else {
      seen.add(field);
      fields.push(field);
    }
  });
  return fields;
}

function byProblem(field: string): string | null {
  if (BY_FIELDS.includes(field)) return null;
  for (const root of ['params.', 'context.']) {
    if (field.startsWith(root)) {
      return validPath(field.slice(root.length))
        ? null
        : `${JSON.stringify(field)} has an empty or __proto__ path segment (no request can hold it)`;
    }
  }
  const suggestion = closestKey(field, BY_FIELDS);
  const hint = suggestion === null ? '' : `did you mean "${suggestion}"? `;
  return `unknown by field ${JSON.stringify(field)}; ${hint}by takes agent_id, tool, operation, principal, params.<path> or context.<path>`;
}

/** A dotted path a request can hold: no empty segment, and no `__proto__` (request bodies with that key are refused). */
function validPath(path: string): boolean {
  return path !== '' && path.split('.').every((segment) => segment !== '' && segment !== '__proto__');
}
