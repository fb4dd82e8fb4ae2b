import { hash } from 'node:crypto';
import { canonicalJson } from '@faramesh/canonical';

/**
 * Bucket keys of limits: 128 bits of a sha256 (22 base64url characters) of the limit's scope and
 * the call's `by` values as canonical JSON. That is out of reach of a caller choosing `by` values to
 * land in someone else's bucket, and half the size in the usage index of a full hex digest.
 *
 * Computing one (canonical JSON + sha256) costs ~2 µs, against a decision of well under 1 µs, and the
 * same few agents and hosts recur; so keys of calls whose `by` values are all strings (or absent)
 * are remembered per limit, in a cache bounded in bytes. A limit with one `by` field (the usual
 * `by: [agent_id]`) finds its key by the value itself, with no text built per call (building one
 * was ~150 of a limited decision's ~450 ns); others by a text that tells the values apart without
 * canonical JSON (lengths prefix the strings). The key is the same whether it came from the cache
 * or not.
 */
export const LIMIT_KEY_CACHE_BYTES = 4 * 1024 * 1024;

/** One limit's remembered keys: by its one `by` value (a string), or by the memo text of its values. */
interface ScopeKeys {
  readonly byValue: Map<string, string | null>;
  readonly byText: Map<string, string | null>;
}

// Rough allowance for a limit's entry and its two maps, and for one key's Map entry and text.
const SCOPE_BYTES = 512;
const ENTRY_BYTES = 44 + 64;

// Two generations instead of an LRU list: a hit is a lookup or two (an LRU's move-to-front costs
// more than the lookup). Entries go into `young`; when it holds half the budget it becomes `old`
// and the previous `old` is dropped; a hit in `old` is carried into `young`.
let young = new Map<string, ScopeKeys>();
let old = new Map<string, ScopeKeys>();
let youngBytes = 0;
let oldBytes = 0;

type Which = keyof ScopeKeys;

function remembered(scopeId: string, which: Which, text: string): string | null | undefined {
  const hit = young.get(scopeId)?.[which].get(text);
  if (hit !== undefined) return hit;
  const aged = old.get(scopeId)?.[which].get(text);
  if (aged !== undefined) remember(scopeId, which, text, aged);
  return aged;
}

function remember(scopeId: string, which: Which, text: string, key: string | null): void {
  // UTF-16 text plus the key and the entry's allowance; a limit's first entry also pays for its maps.
  const entry = text.length * 2 + ENTRY_BYTES;
  if (youngBytes + entry + (young.has(scopeId) ? 0 : SCOPE_BYTES) > LIMIT_KEY_CACHE_BYTES / 2) {
    old = young;
    oldBytes = youngBytes;
    young = new Map();
    youngBytes = 0;
  }
  let keys = young.get(scopeId);
  if (keys === undefined) {
    keys = { byValue: new Map(), byText: new Map() };
    young.set(scopeId, keys);
    youngBytes += SCOPE_BYTES;
  }
  keys[which].set(text, key);
  youngBytes += entry;
}

/** Bytes the key cache holds now by its own estimate (both generations), for tests and metrics. */
export function limitKeyCacheBytes(): number {
  return youngBytes + oldBytes;
}

/** A read `by` value: tagged, so an absent field and an explicit null are different buckets. */
export type ByValue = readonly ['v', unknown] | readonly ['-'];

/**
 * The bucket key of the limit whose scope is `scope` (canonical JSON of its identity, measure and
 * `by` fields; `scopeId` a digest of it) for these `by` values, or null when a value has no
 * canonical JSON form (the caller then gives the stricter outcome).
 */
export function limitKey(scope: string, scopeId: string, values: readonly ByValue[]): string | null {
  let which: Which = 'byText';
  let text: string | null;
  if (values.length === 1 && values[0]?.[0] === 'v' && typeof values[0][1] === 'string') {
    which = 'byValue';
    text = values[0][1];
  } else {
    text = memoText(values);
  }
  if (text === null) return computeKey(scope, values);
  const known = remembered(scopeId, which, text);
  if (known !== undefined) return known;
  const key = computeKey(scope, values);
  // A text longer than a sixteenth of the budget isn't kept (it would flush everything else).
  if (text.length * 2 <= LIMIT_KEY_CACHE_BYTES / 16) remember(scopeId, which, text, key);
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

// Per value, `-` (absent) or `<length>:<text>`: distinct values give distinct texts (within one
// limit, whose values always number the same). Null (not remembered) when a value isn't a string.
function memoText(values: readonly ByValue[]): string | null {
  let text = '';
  for (const value of values) {
    if (value[0] === '-') text += '-';
    else if (typeof value[1] === 'string') text += `${value[1].length}:${value[1]}`;
    else return null;
  }
  return text;
}
