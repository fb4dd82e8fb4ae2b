import type { CompiledPolicy } from './compiled-policy.js';
import type { Evaluation } from './types.js';

/**
 * The paths whose values an action stores only as digests: the policy's top-level `redact` plus the
 * deciding rule's own (none when no rule matched). The decision itself was taken on the original
 * values; redaction changes what is kept, never what was decided.
 */
export function redactionPaths(policy: CompiledPolicy, verdict: Pick<Evaluation, 'matched_rule'>): string[] {
  const rule = verdict.matched_rule === null ? undefined : policy.rules[verdict.matched_rule.index];
  const own = rule?.redact ?? [];
  if (own.length === 0) return [...policy.redact];
  return [...new Set([...policy.redact, ...own])];
}

/** What redaction made of a request: its params and context with digests in place of the values. */
export interface RedactedRequest {
  params: Record<string, unknown>;
  context: Record<string, unknown>;
  /** The paths that held a value (each once), in the order given. */
  redacted: string[];
}

/**
 * Replaces the value at each path (`params.a.b`, `context.x`) by `digest(value)`, keys matched
 * whatever their case. A path that meets a list applies to every element of the list (`params.headers.authorization` reaches each header
 * object of a list of them); a path whose key is absent redacts nothing. Pure: the inputs are not
 * changed, only the containers on a redacted path are copied.
 */
export function redactRequest(
  request: { params: Record<string, unknown>; context: Record<string, unknown> },
  paths: readonly string[],
  digest: (value: unknown) => string,
): RedactedRequest {
  let params = request.params;
  let context = request.context;
  const redacted: string[] = [];
  for (const path of paths) {
    const [root, ...keys] = path.split('.');
    const before = root === 'params' ? params : context;
    const hit = { found: false };
    const after = replaceAt(before, keys, digest, hit) as Record<string, unknown>;
    if (!hit.found) continue;
    redacted.push(path);
    if (root === 'params') params = after;
    else context = after;
  }
  return { params, context, redacted };
}

function replaceAt(
  value: unknown,
  keys: readonly string[],
  digest: (value: unknown) => string,
  hit: { found: boolean },
): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, index) => {
      const next = replaceAt(item, keys, digest, hit);
      if (next === item) return;
      copy ??= [...value];
      copy[index] = next;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const [key, ...rest] = keys;
  if (key === undefined) return value;
  const object = value as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  // Keys match whatever their case (`Authorization` for `authorization`: header names and many
  // APIs' keys don't care), every one of them when an object holds several spellings.
  for (const own of sameKeys(object, key)) {
    const inner = object[own];
    const next: unknown = rest.length === 0 ? digest(inner) : replaceAt(inner, rest, digest, hit);
    if (rest.length === 0) hit.found = true;
    if (next === inner) continue;
    copy ??= { ...object };
    copy[own] = next;
  }
  return copy ?? value;
}

/** The object's own keys equal to `key` ignoring case (the exact one first, when present). */
function sameKeys(object: Record<string, unknown>, key: string): string[] {
  const lower = key.toLowerCase();
  const found = Object.hasOwn(object, key) ? [key] : [];
  for (const own of Object.keys(object)) {
    if (own !== key && own.length === key.length && own.toLowerCase() === lower) found.push(own);
  }
  return found;
}

/**
 * Whether two dotted paths reach the same values, as redaction reads them: one is a prefix of the
 * other, keys compared ignoring case, and all-digit segments (list indexes, which redaction reads
 * through) left out.
 */
export function pathsOverlap(a: string, b: string): boolean {
  const segments = (path: string) =>
    path
      .toLowerCase()
      .split('.')
      .filter((segment) => !/^\d+$/.test(segment));
  const [x, y] = [segments(a), segments(b)];
  const shorter = x.length <= y.length ? x : y;
  const longer = shorter === x ? y : x;
  return shorter.every((segment, index) => longer[index] === segment);
}

/** What a candidate policy would change of what is redacted, against the active one (paths as written). */
export interface RedactionChange {
  /** Paths the active policy redacts somewhere (top level or some rule) that the candidate redacts nowhere. */
  stops: string[];
  /** Paths the candidate redacts that the active policy redacts nowhere. */
  starts: string[];
}

/**
 * How redaction would change if `candidate` replaced `active` (a shadow policy promoted): a path that
 * `stops` is stored in the clear from then on. Paths compare whatever their case, as they match.
 */
export function redactionChange(active: CompiledPolicy, candidate: CompiledPolicy): RedactionChange {
  const before = everyRedactPath(active);
  const after = everyRedactPath(candidate);
  return {
    stops: [...before].filter(([folded]) => !after.has(folded)).map(([, path]) => path),
    starts: [...after].filter(([folded]) => !before.has(folded)).map(([, path]) => path),
  };
}

/** Every path a policy redacts, top level and per rule, by its lower-case form. */
function everyRedactPath(policy: CompiledPolicy): Map<string, string> {
  const paths = new Map<string, string>();
  for (const path of [...policy.redact, ...policy.rules.flatMap((rule) => rule.redact ?? [])]) {
    const folded = path.toLowerCase();
    if (!paths.has(folded)) paths.set(folded, path);
  }
  return paths;
}
