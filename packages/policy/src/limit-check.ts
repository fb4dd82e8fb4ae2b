import { canonicalJson } from '@faramesh/canonical';
import type { ActionView } from './action-view.js';
import { DEFAULT_REQUIREMENT } from './approval-requirement.js';
import { type ByValue, limitKey, scopeIdOf } from './limit-key.js';
import { lookupPath, numberOf } from './param-lookup.js';
import type { RuleLimit } from './rule-limit.js';
import type { Evaluation, MatchSpec } from './types.js';

/**
 * Usage of limits in their windows, by limit key (`LimitEvaluation.key`): the amounts of the
 * actions counted so far (count limits: one per action). A key that isn't there has used nothing.
 * The engine never counts anything itself: the caller (the server, in the write transaction of the
 * submission; the case runner, from a case's `history`) hands it the usage as data.
 */
export type WindowUsage = ReadonlyMap<string, number>;

/** A rule's limit as one evaluation checked it (`Evaluation.limit`, shown by `explain`). */
export interface LimitEvaluation extends RuleLimit {
  /** Index of the rule whose limit this is. */
  rule: number;
  /**
   * The bucket this call is counted in: 128 bits of a sha256 (base64url) of the rule's identity (its
   * `name`, else its `match`), the measure and the call's `by` values. Neither `max` nor `per` is part of it, so
   * raising a limit or widening its window keeps the history counted so far.
   */
  key: string;
  /** What this call uses: 1 for count, the summed param for sum; null when that isn't a number ≥ 0. */
  amount: number | null;
  /** Usage in the window before this call, as given. */
  used: number;
  /** The call doesn't fit: `used + amount > max`, or its amount is unreadable (the stricter outcome). */
  reached: boolean;
}

/** A limit ready for the hot path. */
export interface CompiledLimit {
  readonly limit: RuleLimit;
  /** Canonical JSON of the rule's identity, measure and `by` fields: the stable part of every key. */
  readonly scope: string;
  /** A digest of `scope`, naming this limit's entries in the key cache (`limit-key.ts`). */
  readonly scopeId: string;
  readonly byReaders: readonly ((view: ActionView) => ByValue)[];
  readonly amountOf: (view: ActionView) => number | null;
}

/** Compiles a validated limit of the rule named `name` (or unnamed) matching `match`. */
export function compileLimit(limit: RuleLimit, name: string | null, match: MatchSpec): CompiledLimit {
  const identity = name === null ? `match:${canonicalJson(match)}` : `name:${name}`;
  const scope = canonicalJson([identity, limit.measure, limit.sum, limit.by]);
  const sumPath = limit.sum?.split('.') ?? null;
  return {
    limit,
    scope,
    scopeId: scopeIdOf(scope),
    byReaders: limit.by.map(byReader),
    amountOf:
      sumPath === null
        ? () => 1
        : (view) => {
            const found = lookupPath(view.action.params, sumPath);
            const amount = found.found ? numberOf(found.value) : Number.NaN;
            // Negative, NaN, infinite or absent: unreadable, so the call gets the over-limit outcome.
            return Number.isFinite(amount) && amount >= 0 ? amount + 0 : null;
          },
  };
}

/** Checks one call against its rule's limit, given the window's usage. */
export function checkLimit(
  compiled: CompiledLimit,
  rule: number,
  view: ActionView,
  usage: WindowUsage,
): LimitEvaluation {
  const { limit } = compiled;
  const key = bucketKey(compiled, view);
  const amount = key === null ? null : compiled.amountOf(view);
  return limitEvaluation(limit, rule, key ?? '', amount, key === null ? 0 : (usage.get(key) ?? 0));
}

/**
 * The same decision with the window's usage now known: `evaluation` came from `evaluate` without
 * usage for its limit's bucket, and `used` is that bucket's usage. Only the limit is decided again
 * (the rules are not re-run), so the server can afford it inside its write transaction. Pure.
 */
export function withWindowUsage(evaluation: Evaluation, used: number): Evaluation {
  return evaluation.limit === null ? evaluation : applyLimit(evaluation, withUsed(evaluation.limit, used));
}

function withUsed(check: LimitEvaluation, given: number): LimitEvaluation {
  return limitEvaluation(check, check.rule, check.key, check.amount, given);
}

// Every field written out (no spreads): this runs on every limited decision, twice per submission,
// and a literal of one fixed shape is several times cheaper than copying the limit's fields.
function limitEvaluation(
  limit: RuleLimit,
  rule: number,
  key: string,
  amount: number | null,
  given: number,
): LimitEvaluation {
  // Usage the caller can't vouch for (negative, NaN, infinite) is read as the whole budget spent.
  const used = Number.isFinite(given) && given >= 0 ? given : limit.max;
  return {
    measure: limit.measure,
    sum: limit.sum,
    max: limit.max,
    per_ms: limit.per_ms,
    by: limit.by,
    over_limit: limit.over_limit,
    text: limit.text,
    rule,
    key,
    amount,
    used,
    // A budget already spent takes nothing more: an amount too small to move `used` in doubles
    // (1000 + 1e-14 is 1000) is over it too.
    reached: key === '' || amount === null || used + amount > limit.max || (amount > 0 && used >= limit.max),
  };
}

/**
 * The decision once the limit is known: unchanged (with the check attached) within the limit;
 * otherwise the rule's `over_limit` effect, whose reason names the limit and the usage. Beyond
 * the limit the outcome is never looser than within it: a high-risk upgrade stays an approval or
 * becomes a deny.
 */
export function applyLimit(base: Evaluation, check: LimitEvaluation): Evaluation {
  // Beyond the limit every field below is overwritten; within it, `base` is the rule's own decision
  // (an evaluation decided within its limit is its base plus the check).
  if (!check.reached) return withinLimit(base, check);
  const over = check.over_limit;
  return {
    ...base,
    decision: over,
    reason: overLimitReason(check),
    reason_code: 'limit_reached',
    approval: over === 'require_approval' ? DEFAULT_REQUIREMENT : null,
    limit: check,
  };
}

// Written out like limitEvaluation: a spread of the base costs more than the decision it copies.
function withinLimit(base: Evaluation, check: LimitEvaluation): Evaluation {
  return {
    decision: base.decision,
    reason: base.reason,
    reason_code: base.reason_code,
    risk_level: base.risk_level,
    risk_rule: base.risk_rule,
    matched_rule: base.matched_rule,
    approval: base.approval,
    limit: check,
  };
}

function overLimitReason(check: LimitEvaluation): string {
  if (check.key === '') return `${check.text}: the values of its \`by\` fields can't be read`;
  if (check.amount === null) return `${check.text}: ${check.sum} is missing or not a number of at least 0`;
  if (check.measure === 'count') return `${check.text} reached: ${check.used} used`;
  return `${check.text} reached: ${check.used} used, this call ${check.amount}`;
}

// A value found is tagged, so an absent field and an explicit null are different buckets.
function byReader(field: string): (view: ActionView) => ByValue {
  if (field === 'agent_id') return (view) => ['v', view.action.agent_id];
  if (field === 'tool') return (view) => ['v', view.action.tool];
  if (field === 'operation') return (view) => ['v', view.action.operation];
  if (field === 'principal') {
    return (view) => (view.action.principal === undefined ? ['-'] : ['v', view.action.principal.name]);
  }
  const inContext = field.startsWith('context.');
  const segments = field.slice(inContext ? 'context.'.length : 'params.'.length).split('.');
  return (view) => {
    const found = lookupPath(inContext ? view.action.context : view.action.params, segments);
    return found.found ? ['v', found.value] : ['-'];
  };
}

function bucketKey(compiled: CompiledLimit, view: ActionView): string | null {
  const values: ByValue[] = [];
  for (const read of compiled.byReaders) values.push(read(view));
  return limitKey(compiled.scope, compiled.scopeId, values);
}
