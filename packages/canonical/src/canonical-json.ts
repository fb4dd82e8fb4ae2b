/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no insignificant whitespace,
 * `undefined` members dropped. Two values that are equal as JSON always produce the same text,
 * which is what request hashes, ledger hashes and policy text matching need.
 *
 * Non-finite numbers have no JSON form and are rejected instead of silently becoming `null`; strings
 * and keys with lone surrogates are rejected too (as in RFC 8785): they print as escapes here but no
 * store keeps them, so the hash of what was stored would differ from the hash of what was sent.
 *
 * This runs several times per submission (request hash, stored JSON columns, the ledger snapshot),
 * so it builds strings directly instead of arrays joined at each level, skips the sort when the
 * keys already come in order, and memoizes quoted keys (the same few dozen names recur).
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

/**
 * canonicalJson of an object whose members' canonical texts are partly at hand: `known(key)` returns
 * the text of that (defined) member, or undefined to have it written here. The caller vouches that
 * each text is canonicalJson of the member (e.g. made while validating it), which isn't walked again.
 */
export function canonicalObject(record: Record<string, unknown>, known: (key: string) => string | undefined): string {
  return writeObject(record, known);
}

const QUOTED_KEYS = new Map<string, string>();

/** ES2024's String.prototype.isWellFormed (Node 20): false exactly when the text has a lone surrogate. */
type WellFormedText = string & { isWellFormed(): boolean };

/** Text JSON.stringify writes unchanged between quotes: no quote, backslash, control character or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON must escape.
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function quote(text: string): string {
  // Most strings (names, statuses, timestamps, hashes) are plain: about half the time of the full path.
  if (PLAIN.test(text)) return `"${text}"`;
  if (!(text as WellFormedText).isWellFormed()) throw new TypeError('canonicalJson: string with a lone surrogate');
  return JSON.stringify(text);
}

const MAX_QUOTED_KEYS = 4096;
/** Longer keys aren't memoized, so the memo stays under ~1 MiB whatever keys agents send. */
const MAX_QUOTED_KEY_LENGTH = 64;

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = quote(key);
    // Bounded: keys come from agent-supplied params too.
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS && key.length <= MAX_QUOTED_KEY_LENGTH) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

/**
 * Sorted key lists of recently seen object shapes, by first key and key count: the same few shapes
 * (an action, its snapshot, event metas) recur on every submission, and sorting an action's ~35 keys
 * was a quarter of canonicalizing it. Bounded: MAX_SHAPES entries of at most MAX_SHAPE_KEY_CHARS
 * characters of keys each; a miss replaces its slot, so agent-supplied shapes can't pin it.
 */
const SHAPES = new Map<string, { keys: string[]; sorted: string[] }>();
const MAX_SHAPES = 256;
const MAX_SHAPE_KEY_CHARS = 2048;

function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    // `<` on strings compares UTF-16 code units, the same order as the default sort.
    if ((keys[i] as string) < (keys[i - 1] as string)) return sortedShape(keys);
  }
  return keys;
}

/** `keys` (out of order) sorted, from the shape memo when the same keys came in the same order before. */
function sortedShape(keys: string[]): string[] {
  const slot = `${keys.length}:${keys[0]}`;
  const known = SHAPES.get(slot);
  if (known !== undefined && sameKeys(known.keys, keys)) return known.sorted;
  const sorted = [...keys].sort();
  let chars = 0;
  for (const key of keys) chars += key.length;
  if (chars <= MAX_SHAPE_KEY_CHARS && (known !== undefined || SHAPES.size < MAX_SHAPES)) {
    SHAPES.set(slot, { keys, sorted });
  }
  return sorted;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function write(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      // The same text as JSON.stringify for every finite number (-0 included), without its call.
      return String(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (i > 0) out += ',';
          out += item === undefined ? 'null' : write(item);
        }
        return `${out}]`;
      }
      return writeObject(value as Record<string, unknown>);
    }
    default:
      throw new TypeError(`canonicalJson: unsupported type ${typeof value}`);
  }
}

function writeObject(record: Record<string, unknown>, known?: (key: string) => string | undefined): string {
  let out = '{';
  let first = true;
  for (const key of sortedKeys(record)) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${quotedKey(key)}:${(known === undefined ? undefined : known(key)) ?? write(member)}`;
  }
  return `${out}}`;
}
