import { ApiError } from './api-error.js';

/** Deeper bodies are refused: agents' params are data, not programs, and deep nesting costs stack. */
export const MAX_JSON_DEPTH = 32;

/** Longest key shown in an error path; keys are agent-supplied and may be huge. */
const MAX_PATH_SEGMENT = 64;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** With the `u` flag a surrogate pair is one code point, so only unpaired halves are in `Cs`. */
const UNSTORABLE = /[\p{Cs}\0]/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/**
 * Parses a JSON request body, accepting only what can be hashed, stored and read back exactly as
 * sent, with a 400 and a stable code otherwise:
 * - `invalid_unicode`: bytes that are not UTF-8, lone surrogates (`"\ud800"`) and U+0000 in any string
 *   or key (SQLite would store U+FFFD instead, PostgreSQL refuses NUL in text);
 * - `invalid_number`: numbers beyond the double range (`1e400` parses to Infinity, which has no JSON form);
 * - `invalid_json`: anything JSON.parse refuses (NaN and friends are not JSON) and `__proto__` keys;
 * - `body_too_deep`: nesting deeper than MAX_JSON_DEPTH.
 * An empty body yields undefined, so endpoints whose body is optional accept `curl -X POST`.
 */
export function parseJsonBody(body: string | Uint8Array): unknown {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
  // The precise walk (with the error's path) only when the allocation-free one found a problem.
  if (!storable(value, 1)) {
    checkShape(value);
    throw new ApiError('invalid_json', 'body cannot be stored as sent');
  }
  return value;
}

/** ES2024's String.prototype.isWellFormed (Node 20): false exactly when the text has a lone surrogate. */
type WellFormedText = string & { isWellFormed(): boolean };

/**
 * Whether `checkShape` would accept the tree, without building anything: the common case's path
 * (a request's every string, key and nesting level is checked on every submission).
 */
function storable(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return storableText(value);
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value !== 'object') return true;
  if (depth > MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!storable(value[i], depth + 1)) return false;
    return true;
  }
  // JSON.parse makes plain objects: for…in visits their own keys (and anything enumerable on
  // Object.prototype, which is only checked too), without the array Object.keys allocates.
  for (const key in value) {
    if (key === '__proto__' || !storableText(key)) return false;
    if (!storable((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function storableText(text: string): boolean {
  return (text as WellFormedText).isWellFormed() && !text.includes('\0');
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new ApiError('invalid_unicode', 'body is not valid UTF-8');
  }
}

/** A value in the parsed tree, with the way back to the root for error paths (built only on error). */
interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | null;
  key: string;
}

function checkShape(root: unknown): void {
  const stack: Visit[] = [{ value: root, depth: 1, parent: null, key: 'body' }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (typeof value === 'string') {
      checkText(value, visit, 'value');
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        const path = pathOf(visit);
        throw new ApiError(
          'invalid_number',
          `${path} is outside the range of a double (±1.8e308); send it as a string`,
          [{ path, message: 'number out of range' }],
        );
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new ApiError('body_too_deep', `body nests deeper than ${MAX_JSON_DEPTH} levels`, {
        max_depth: MAX_JSON_DEPTH,
      });
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        stack.push({ value: value[i], depth: depth + 1, parent: visit, key: String(i) });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') throw new ApiError('invalid_json', 'body contains a forbidden "__proto__" key');
      const child: Visit = { value: (value as Record<string, unknown>)[key], depth: depth + 1, parent: visit, key };
      checkText(key, child, 'key');
      stack.push(child);
    }
  }
}

function checkText(text: string, at: Visit, what: 'key' | 'value'): void {
  if (!UNSTORABLE.test(text)) return;
  const problem = text.includes('\0') ? 'U+0000 (NUL)' : 'a lone surrogate (an unpaired \\ud800-\\udfff escape)';
  const path = pathOf(at);
  const message = `${what === 'key' ? 'key' : 'text'} contains ${problem}, which cannot be stored as sent`;
  throw new ApiError('invalid_unicode', `${path}: ${message}`, [{ path, message }]);
}

/** `body.params.items.0.name`, the same dotted form as validation_failed paths. */
function pathOf(visit: Visit): string {
  const parts: string[] = [];
  for (let at: Visit | null = visit; at !== null; at = at.parent) {
    const key = at.key.replace(LONE_SURROGATES, '\ufffd').replaceAll('\0', '\\u0000');
    parts.push(key.length > MAX_PATH_SEGMENT ? `${key.slice(0, MAX_PATH_SEGMENT)}…` : key);
  }
  return parts.reverse().join('.');
}
