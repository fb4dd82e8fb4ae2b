import type { ActionView } from './action-view.js';
import type { Condition, WhenUndecidable } from './condition.js';
import { isAbsoluteReading } from './path-normalize.js';
import type { PathSet } from './path-scan.js';

export type PathKey = 'path_contains' | 'path_starts_with' | 'path_ends_with';

const TESTS: Readonly<Record<PathKey, (path: string, needle: string) => boolean>> = {
  path_contains: (p, n) => p.includes(n),
  path_starts_with: (p, n) => p.startsWith(n),
  path_ends_with: (p, n) => p.endsWith(n),
};

/** The path keys in the order conditions are compiled. */
export const PATH_CONDITION_KEYS: readonly PathKey[] = ['path_contains', 'path_starts_with', 'path_ends_with'];

/**
 * A `path_*` condition over every path the action names (`ActionView.paths`). In deny,
 * require_approval and risk rules (`whenUndecidable` true) it holds when **any** reading of any
 * named or path-looking string satisfies it, or when a path string can't be read. In allow rules
 * it holds only when at least one path is named, **every** reading of every named path is absolute
 * and satisfies it, and nothing is unreadable, of unknown shape or merely path-looking.
 * A normalised path has no trailing slash, so it is also tested as a directory (`/a/b` as `/a/b/`):
 * `path_starts_with: /a/b/` covers the folder itself as well as everything in it.
 */
export function pathCondition(key: PathKey, needle: string, whenUndecidable: WhenUndecidable): Condition {
  const test = TESTS[key];
  const wanted = needle.normalize('NFC');
  const satisfies = (path: string) => test(path, wanted) || (!path.endsWith('/') && test(`${path}/`, wanted));
  const holds = (set: PathSet): boolean => {
    if (whenUndecidable) {
      return (
        set.unreadable.length > 0 ||
        set.named.some((p) => satisfies(p.path)) ||
        set.possible.some((p) => satisfies(p.path))
      );
    }
    if (set.unreadable.length + set.unknown.length + set.possible.length > 0 || set.named.length === 0) return false;
    return set.named.every((p) => isAbsoluteReading(p.path) && satisfies(p.path));
  };
  return {
    key,
    expected: needle,
    test: (v: ActionView) => holds(v.paths()),
    actual: (v: ActionView) => ({ applies_to: whenUndecidable ? 'any path' : 'every path', ...v.paths() }),
  };
}
