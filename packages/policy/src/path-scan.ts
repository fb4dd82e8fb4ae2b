import { MAX_PATH_CHARS, readPath } from './path-normalize.js';

/** One normalised reading of a path the action names, and where in params it was found (`edits.0.path`). */
export interface SeenPath {
  at: string;
  path: string;
}

/** A place in params the policy can't read as paths, and why. */
export interface UnreadablePath {
  at: string;
  why: string;
}

/**
 * Every path an action's params name, as path conditions see them. `named`: strings under path
 * keys. `possible`: path-looking strings under other keys (maybe a path, maybe not).
 * `unreadable`: values under path keys that aren't strings or lists of strings, path strings that
 * can't be read (NUL, too long, …) and scan bounds that were hit.
 */
export interface PathSet {
  named: SeenPath[];
  possible: SeenPath[];
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
  const set: PathSet = { named: [], possible: [], unreadable: [] };
  let values = 0;
  let readings = 0;

  const addReadings = (into: SeenPath[], raw: string, at: string): void => {
    const read = readPath(raw);
    if (!read.ok) {
      set.unreadable.push({ at, why: read.why });
      return;
    }
    readings += read.readings.length;
    if (readings > MAX_PATH_READINGS) {
      set.unreadable.push({ at, why: `more than ${MAX_PATH_READINGS} path readings in one action` });
      throw new BoundReached();
    }
    for (const path of read.readings) into.push({ at, path });
  };

  const count = (at: string, depth: number): void => {
    values += 1;
    if (values > MAX_SCAN_VALUES) {
      set.unreadable.push({ at, why: `more than ${MAX_SCAN_VALUES} values in params` });
      throw new BoundReached();
    }
    if (depth > MAX_SCAN_DEPTH) {
      set.unreadable.push({ at, why: `nested deeper than ${MAX_SCAN_DEPTH} levels` });
      throw new BoundReached();
    }
  };

  const visitObject = (object: object, at: string, depth: number): void => {
    for (const key of Object.keys(object)) {
      const value = (object as Record<string, unknown>)[key];
      const where = at === '' ? key : `${at}.${key}`;
      if (isPathKey(key)) visitPathValue(value, where, depth + 1);
      else visitOther(value, where, depth + 1);
    }
  };

  // Under a path key: a string or a list of strings; null names nothing. Anything else is a shape
  // the policy can't read as paths, yet its own path keys and path-looking strings still count.
  const visitPathValue = (value: unknown, at: string, depth: number): void => {
    count(at, depth);
    if (value === null) return;
    if (typeof value === 'string') {
      addReadings(set.named, value, at);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        const where = `${at}.${index}`;
        if (typeof item === 'string') {
          count(where, depth + 1);
          addReadings(set.named, item, where);
        } else if (item !== null) {
          set.unreadable.push({ at: where, why: 'a path list item that is not a string' });
          visitOther(item, where, depth + 1);
        }
      });
      return;
    }
    set.unreadable.push({
      at,
      why: `a path key holding ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`,
    });
    if (typeof value === 'object') visitObject(value as object, at, depth);
  };

  const visitOther = (value: unknown, at: string, depth: number): void => {
    count(at, depth);
    if (typeof value === 'string') {
      if (isPathLooking(value)) addReadings(set.possible, value, at);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visitOther(item, `${at}.${index}`, depth + 1);
      });
    } else if (typeof value === 'object' && value !== null) {
      visitObject(value, at, depth);
    }
  };

  try {
    visitObject(params, '', 0);
  } catch (err) {
    if (!(err instanceof BoundReached)) throw err;
  }
  return set;
}
