import { hash } from 'node:crypto';
import { canonicalJson } from '@faramesh/canonical';

/**
 * Bucket keys of limits: 128 bits of a sha256 (22 base64url characters) of the limit's scope and
 * the call's `by` values as canonical JSON. That is out of reach of a caller choosing `by` values to
 * land in someone else's bucket, and half the size in the usage index of a full hex digest.
 *
 * Computing one (canonical JSON + sha256) costs ~2 µs, against a decision of well under 1 µs, and the
 * same few agents and hosts recur; so keys of calls whose `by` values are all strings (or absent)
 * are remembered, by a text that tells them apart without canonical JSON (lengths prefix the
 * strings), in a cache bounded in bytes. The key is the same whether it came from the cache or not.
 */
export const LIMIT_KEY_CACHE_BYTES = 4 * 1024 * 1024;

// Two generations instead of an LRU list: a hit is one Map lookup (an LRU's move-to-front costs
// more than the lookup). Entries go into `young`; when it holds half the budget it becomes `old`
// and the previous `old` is dropped; a hit in `old` is carried into `young`.
let young = new Map<string, string | null>();
let old = new Map<string, string | null>();
let youngBytes = 0;

function remembered(memo: string): string | null | undefined {
  const hit = young.get(memo);
  if (hit !== undefined) return hit;
  const aged = old.get(memo);
  if (aged !== undefined) remember(memo, aged);
  return aged;
}

function remember(memo: string, key: string | null): void {
  // UTF-16 text of the memo plus the key, and a rough allowance for the Map entry.
  const bytes = memo.length * 2 + 44 + 64;
  if (youngBytes + bytes > LIMIT_KEY_CACHE_BYTES / 2) {
    old = young;
    young = new Map();
    youngBytes = 0;
  }
  young.set(memo, key);
  youngBytes += bytes;
}

/** A read `by` value: tagged, so an absent field and an explicit null are different buckets. */
export type ByValue = readonly ['v', unknown] | readonly ['-'];

/**
 * The bucket key of the limit whose scope is `scope` (canonical JSON of its identity, measure and
 * `by` fields; `scopeId` a digest of it) for these `by` values, or null when a value has no
 * canonical JSON form (the caller then gives the stricter outcome).
 */
export function limitKey(scope: string, scopeId: string, values: readonly ByValue[]): string | null {
  const memo = memoText(scopeId, values);
  if (memo === null) return computeKey(scope, values);
  const known = remembered(memo);
  if (known !== undefined) return known;
  const key = computeKey(scope, values);
  // A memo longer than a sixteenth of the budget isn't kept (it would flush everything else).
  if (memo.length * 2 <= LIMIT_KEY_CACHE_BYTES / 16) remember(memo, key);
  return key;
}

/** A digest of a limit's scope, naming its entries in the key cache. */
export function scopeIdOf(scope: string): string {
  return hash('sha256', scope, 'base64url').slice(0, 22);
}

function computeKey(scope: string, values: readonly ByValue[]): string | null {
  try {
    return hash('sha256', `${scope}\n${canonicalJson(values)}`, 'base64url').slice(0, 22);
  } catch {
    return null; // a value with no canonical JSON form
  }
}

// `scopeId` then, per value, `-` (absent) or `<length>:<text>`: distinct values give distinct texts.
// Null (not remembered) when a value isn't a string.
function memoText(scopeId: string, values: readonly ByValue[]): string | null {
  let text = scopeId;
  for (const value of values) {
    if (value[0] === '-') text += '-';
    else if (typeof value[1] === 'string') text += `${value[1].length}:${value[1]}`;
    else return null;
  }
  return text;
}
