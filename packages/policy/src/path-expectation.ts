import type { Node } from 'yaml';
import type { PathSet } from './path-scan.js';
import { joinPath, readMapping, readSequence, readString, type YamlSource } from './yaml-document.js';

/**
 * A case's expected `paths`: the normalised readings of named and path-looking strings, and the
 * locations of unknown shapes and unreadable values, each in scan order. Only the lists given are compared.
 */
export interface PathsExpectation {
  named?: string[];
  possible?: string[];
  unknown?: string[];
  unreadable?: string[];
}

const LISTS = ['named', 'possible', 'unknown', 'unreadable'] as const;

/** Reads `expect.paths` of a case file, reporting type errors; null after reporting. */
export function readPathsExpectation(yaml: YamlSource, node: Node | null, path: string): PathsExpectation | null {
  const entries = readMapping(yaml, node, path, '`paths`', LISTS);
  if (entries === null) return null;
  const expected: PathsExpectation = {};
  for (const list of LISTS) {
    const entry = entries.get(list);
    if (entry === undefined) continue;
    const listPath = joinPath(path, list);
    const items = readSequence(yaml, entry.value, listPath, listPath);
    if (items === null) continue;
    expected[list] = items.flatMap((item, index) => {
      const text = readString(yaml, { key: item, value: item }, `${listPath}[${index}]`);
      return text === null ? [] : [text];
    });
  }
  return expected;
}

/** The part of `set` an expectation speaks about, in the expectation's shape. */
export function pathsSummary(set: PathSet, expected: PathsExpectation): PathsExpectation {
  const summary: PathsExpectation = {};
  if (expected.named !== undefined) summary.named = set.named.map((p) => p.path);
  if (expected.possible !== undefined) summary.possible = set.possible.map((p) => p.path);
  if (expected.unknown !== undefined) summary.unknown = set.unknown.map((u) => u.at);
  if (expected.unreadable !== undefined) summary.unreadable = set.unreadable.map((u) => u.at);
  return summary;
}
