import { canonicalJson } from '@faramesh/canonical';
import { type ActionView, PATTERN_INPUT_CAP } from './action-view.js';
import { compileGlob } from './glob.js';
import { amountOf, lookupPath, stringParam } from './param-lookup.js';
import { PATH_CONDITION_KEYS, pathCondition } from './path-condition.js';
import { principalConditions } from './principal-condition.js';
import type { SafeRegex } from './safe-regex.js';
import { anyCommandCondition, commandsCondition, shellUndecidable } from './shell-conditions.js';
import type { MatchSpec } from './types.js';

/** One compiled match key. A rule matches when all of its conditions hold. */
export interface Condition {
  readonly key: string;
  readonly expected: unknown;
  test(view: ActionView): boolean;
  /** The value the condition looked at, for `explain`. */
  actual(view: ActionView): unknown;
}

/**
 * How a condition resolves when it can't be decided — a `pattern` whose text exceeds the input cap
 * and whose searched prefix did not match, or a shell command line that can't be fully analysed:
 * `true` for deny / require_approval / risk rules, `false` for allow rules, so such an input can
 * only make the outcome stricter, never looser. Path conditions use the same flag to choose
 * between "any path" and "every path" (see `path-condition.ts`).
 */
export type WhenUndecidable = boolean;

/**
 * Compiles a validated match mapping. The returned list is ordered cheapest first (tool, op,
 * agent first; text searches last) because conditions short-circuit on the hot path.
 */
export function compileConditions(
  spec: MatchSpec,
  regex: SafeRegex | null,
  whenUndecidable: WhenUndecidable,
): Condition[] {
  const conditions: Condition[] = [];
  if (spec.tool !== undefined) conditions.push(globCondition('tool', spec.tool, (v) => v.action.tool));
  if (spec.op !== undefined) conditions.push(globCondition('op', spec.op, (v) => v.action.operation));
  if (spec.agent_id !== undefined) conditions.push(globCondition('agent_id', spec.agent_id, (v) => v.action.agent_id));
  conditions.push(...principalConditions(spec, whenUndecidable));
  if (spec.method !== undefined) conditions.push(methodCondition(spec.method));
  if (spec.branch !== undefined) {
    const branch = spec.branch;
    const glob = compileGlob(branch);
    conditions.push({
      key: 'branch',
      expected: branch,
      test: (v) => {
        const actual = stringParam(v.action.params, 'branch');
        return actual !== null && glob(actual);
      },
      actual: (v) => stringParam(v.action.params, 'branch'),
    });
  }
  for (const [key, compare] of AMOUNT_COMPARISONS) {
    const bound = spec[key];
    if (bound !== undefined) {
      conditions.push({
        key,
        expected: bound,
        test: (v) => compare(amountOf(v.action.params), bound),
        actual: (v) => v.action.params.amount ?? null,
      });
    }
  }
  for (const key of PATH_CONDITION_KEYS) {
    const needle = spec[key];
    if (needle !== undefined) conditions.push(pathCondition(key, needle, whenUndecidable));
  }
  if (spec.field !== undefined) conditions.push(fieldCondition(spec.field, spec.value));
  // Set lookups over the (cached) shell analysis come before text searches, which may run a regex.
  if (spec.any_command !== undefined) conditions.push(anyCommandCondition(spec.any_command, whenUndecidable));
  if (spec.commands !== undefined) {
    conditions.push(commandsCondition(spec.commands, spec.redirect_writes, whenUndecidable));
  }
  if (spec.contains !== undefined) conditions.push(containsCondition(spec.contains, whenUndecidable));
  if (spec.pattern !== undefined && regex !== null) conditions.push(patternCondition(regex, whenUndecidable));
  return conditions;
}

function globCondition(key: string, glob: string, read: (view: ActionView) => string): Condition {
  const matches = compileGlob(glob);
  return { key, expected: glob, test: (v) => matches(read(v)), actual: read };
}

function methodCondition(method: string): Condition {
  const expected = method.toUpperCase();
  return {
    key: 'method',
    expected: method,
    test: (v) => stringParam(v.action.params, 'method')?.toUpperCase() === expected,
    actual: (v) => stringParam(v.action.params, 'method'),
  };
}

type AmountKey = 'amount_gt' | 'amount_lt' | 'amount_gte' | 'amount_lte';
// Every comparison with NaN is false, which is how a missing or non-numeric amount never satisfies.
const AMOUNT_COMPARISONS: ReadonlyArray<readonly [AmountKey, (amount: number, bound: number) => boolean]> = [
  ['amount_gt', (a, b) => a > b],
  ['amount_lt', (a, b) => a < b],
  ['amount_gte', (a, b) => a >= b],
  ['amount_lte', (a, b) => a <= b],
];

function fieldCondition(field: string, value: unknown): Condition {
  const inContext = field.startsWith('context.');
  const segments = (inContext ? field.slice('context.'.length) : field).split('.');
  const expectedJson = canonicalJson(value);
  const read = (v: ActionView) => lookupPath(inContext ? v.action.context : v.action.params, segments);
  return {
    key: 'field',
    expected: { field, value },
    test: (v) => {
      const found = read(v);
      return found.found && sameJson(found.value, expectedJson);
    },
    actual: (v) => {
      const found = read(v);
      return found.found ? found.value : null;
    },
  };
}

function sameJson(actual: unknown, expectedJson: string): boolean {
  try {
    return canonicalJson(actual) === expectedJson;
  } catch {
    return false;
  }
}

// A shell command line that can't be fully analysed may run commands its normalized text doesn't
// show, so a text search that found nothing there is undecidable, like an over-long input.
function containsCondition(needle: string, whenUndecidable: WhenUndecidable): Condition {
  return {
    key: 'contains',
    expected: needle,
    test: (v) => {
      if (v.paramsText().includes(needle) || (v.command()?.includes(needle) ?? false)) return true;
      return shellUndecidable(v) ? whenUndecidable : false;
    },
    actual: (v) => searchedTexts(v),
  };
}

function patternCondition(regex: SafeRegex, whenUndecidable: WhenUndecidable): Condition {
  const searchOne = (text: string | null): 'match' | 'no_match' | 'undecidable' => {
    if (text === null) return 'no_match';
    if (text.length <= PATTERN_INPUT_CAP) return regex.test(text) ? 'match' : 'no_match';
    return regex.test(text.slice(0, PATTERN_INPUT_CAP)) ? 'match' : 'undecidable';
  };
  return {
    key: 'pattern',
    expected: regex.source,
    test: (v) => {
      const inParams = searchOne(v.paramsText());
      if (inParams === 'match') return true;
      const inCommand = searchOne(v.command());
      if (inCommand === 'match') return true;
      const undecidable = inParams === 'undecidable' || inCommand === 'undecidable' || shellUndecidable(v);
      return undecidable ? whenUndecidable : false;
    },
    actual: (v) => ({ ...searchedTexts(v), engine: regex.engine }),
  };
}

function searchedTexts(view: ActionView): { params_json: string; command: string | null } {
  return { params_json: view.paramsText(), command: view.command() };
}
