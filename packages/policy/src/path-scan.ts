import { MAX_PATH_CHARS, readPath } from './path-normalize.js';

/** One normalised reading of a path the action names, and where in params it was found (`edits.0.path`). */
export interface SeenPath {
  at: string;
  path: string;
}

/** A place in params the policy can't read as paths (`unknown` shapes, `unreadable` strings), and why. */
export interface UnreadablePath {
  at: string;
  why: string;
}

/**
 * Every path an action's params name, as path conditions see them. `named`: strings under path
 * keys. `possible`: path-looking strings under other keys (maybe a path, maybe not). `unknown`:
 * values under path keys that aren't strings or lists of strings (an object, a number, a nested
 * list). `unreadable`: path strings that can't be read (NUL, too long, …) and scan bounds hit.
 */
export interface PathSet {
  named: SeenPath[];
  possible: SeenPath[];
  unknown: UnreadablePath[];
  unreadable: UnreadablePath[];
}

/** Keys whose string values are paths, in any object of params at any depth. */
export const PATH_KEYS: ReadonlySet<string> = new Set([
  'path',
  'paths',
  'file',
  'files',
  'filename',
  'filenames',
  'directory',
  'directories',
  'dir',
  'dirs',
  'cwd',
  'source',
  'sources',
  'destination',
  'src',
  'dst',
  'from',
  'to',
  'target',
  'targets',
  'url',
  'urls',
  'uri',
  'uris',
]);

// Compound keys ending in a path word: `file_path`, `notebookPath`, `output_dir`, `configFile`.
const COMPOUND_PATH_KEY =
  /(?:_(?:path|paths|file|files|filename|dir|directory)|[a-z0-9](?:Path|Paths|File|Files|Filename|Dir|Directory))$/;

/**
 * A string under another key is "path-looking" when it is one path-shaped token: it starts with
 * `/` (not `//` or `/*`, which start code comments), `~/`, `./`, `../`, a drive `C:\`/`C:/`, `\\`
 * or `file:/`, has no control characters (no newline or tab), and is at most `MAX_PATH_CHARS` long.
 */
const PATH_LOOKING = /^(?:\/(?![/*])|~[/\\]|\.\.?[/\\]|[a-z]:[/\\]|\\\\|file:\/)/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this detects
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Scan bounds: deeper values, more values or more readings make the set unreadable (stricter). */
export const MAX_SCAN_DEPTH = 32;
export const MAX_SCAN_VALUES = 10_000;
export const MAX_PATH_READINGS = 256;

/** Whether a params key names paths. */
export function isPathKey(key: string): boolean {
  return PATH_KEYS.has(key) || COMPOUND_PATH_KEY.test(key);
}

/** Whether a string under a non-path key looks like a path (see `PATH_LOOKING`). */
export function isPathLooking(text: string): boolean {
  return text.length <= MAX_PATH_CHARS && PATH_LOOKING.test(text) && !CONTROL.test(text);
}

class BoundReached extends Error {}

/** Collects every path `params` names (see `PathSet`); bounded in depth, values and readings. */
export function scanPaths(params: Record<string, unknown>): PathSet {
  const scanner = new PathScanner();
  try {
    scanner.visitObject(params, 0);
  } catch (err) {
    if (!(err instanceof BoundReached)) throw err;
  }
  return scanner.set;
}

// One walk over params. The location (`edits.0.path`) is kept as a stack of segments and joined
// only when something is recorded, so the walk allocates nothing per value.
class PathScanner {
  readonly set: PathSet = { named: [], possible: [], unknown: [], unreadable: [] };
  readonly #trail: string[] = [];
  #values = 0;
  #readings = 0;

  visitObject(object: object, depth: number): void {
    for (const key of Object.keys(object)) {
      const value = (object as Record<string, unknown>)[key];
      this.#trail.push(key);
      if (isPathKey(key)) this.#visitPathValue(value, depth + 1);
      else this.#visitOther(value, depth + 1);
      this.#trail.pop();
    }
  }

  // Under a path key: a string or a list of strings; null names nothing. Anything else has a shape
  // the policy can't read as paths, yet its own path keys and path-looking strings still count.
  #visitPathValue(value: unknown, depth: number): void {
    this.#count(depth);
    if (value === null) return;
    if (typeof value === 'string') {
      this.#addReadings(this.set.named, value);
      return;
    }
    if (!Array.isArray(value)) {
      this.set.unknown.push({ at: this.#at(), why: `a path key holding ${describeValue(value)}` });
      if (typeof value === 'object') this.visitObject(value, depth);
      return;
    }
    value.forEach((item, index) => {
      this.#trail.push(String(index));
      if (typeof item === 'string') {
        this.#count(depth + 1);
        this.#addReadings(this.set.named, item);
      } else if (item !== null) {
        this.set.unknown.push({ at: this.#at(), why: `a path list holding ${describeValue(item)}` });
        this.#visitOther(item, depth + 1);
      }
      this.#trail.pop();
    });
  }

  // Numbers, booleans and null can't be paths and aren't counted against the value bound.
  #visitOther(value: unknown, depth: number): void {
    if (typeof value === 'string') {
      this.#count(depth);
      if (isPathLooking(value)) this.#addReadings(this.set.possible, value);
    } else if (typeof value === 'object' && value !== null) {
      this.#count(depth);
      if (!Array.isArray(value)) {
        this.visitObject(value, depth);
        return;
      }
      value.forEach((item, index) => {
        this.#trail.push(String(index));
        this.#visitOther(item, depth + 1);
        this.#trail.pop();
      });
    }
  }

  #addReadings(into: SeenPath[], raw: string): void {
    const read = readPath(raw);
    if (!read.ok) {
      this.set.unreadable.push({ at: this.#at(), why: read.why });
      return;
    }
    this.#readings += read.readings.length;
    if (this.#readings > MAX_PATH_READINGS) this.#stop(`more than ${MAX_PATH_READINGS} path readings in one action`);
    const at = this.#at();
    for (const path of read.readings) into.push({ at, path });
  }

  #count(depth: number): void {
    this.#values += 1;
    if (this.#values > MAX_SCAN_VALUES) this.#stop(`more than ${MAX_SCAN_VALUES} values in params`);
    if (depth > MAX_SCAN_DEPTH) this.#stop(`nested deeper than ${MAX_SCAN_DEPTH} levels`);
  }

  #stop(why: string): never {
    this.set.unreadable.push({ at: this.#at(), why });
    throw new BoundReached();
  }

  #at(): string {
    return this.#trail.join('.');
  }
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
