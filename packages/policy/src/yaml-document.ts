import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { closestKey } from './closest-key.js';
import type { Diagnostic } from './diagnostic.js';

/**
 * A parsed YAML file plus the diagnostics found so far. Every validator reports through it,
 * so every problem is collected (not just the first) with file, line, column and path.
 */
export class YamlSource {
  readonly file: string;
  readonly diagnostics: Diagnostic[] = [];
  readonly document: Document.Parsed;
  readonly #lines: LineCounter;

  constructor(source: string, file: string) {
    this.file = file;
    this.#lines = new LineCounter();
    // prettyErrors off: we locate errors ourselves and keep messages one line long.
    this.document = parseDocument(source, { lineCounter: this.#lines, uniqueKeys: true, prettyErrors: false });
    for (const error of this.document.errors) {
      const code = error.code === 'DUPLICATE_KEY' ? 'duplicate_key' : 'yaml_syntax';
      this.#report('error', error.pos[0], '', code, firstLine(error.message));
    }
  }

  /** True when any error (not warning) has been reported. */
  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  /** 1-based line and column of a node's start. */
  locate(node: Node | null | undefined): { line: number; column: number } {
    const { line, col } = this.#lines.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  }

  error(node: Node | null | undefined, path: string, code: string, message: string): void {
    this.#report('error', node?.range?.[0] ?? 0, path, code, message);
  }

  warning(node: Node | null | undefined, path: string, code: string, message: string): void {
    this.#report('warning', node?.range?.[0] ?? 0, path, code, message);
  }

  #report(severity: Diagnostic['severity'], offset: number, path: string, code: string, message: string): void {
    const { line, col } = this.#lines.linePos(offset);
    this.diagnostics.push({ severity, code, message, file: this.file, line, column: col, path });
  }
}

/** A mapping entry: the key node (for locating key errors) and its value node. */
export interface Entry {
  key: Node;
  value: Node | null;
}

/**
 * Reads a mapping's entries, reporting unknown keys (with the closest valid key as a suggestion)
 * and non-string keys. Returns null, after reporting, when the node is not a mapping.
 */
export function readMapping(
  yaml: YamlSource,
  node: Node | null | undefined,
  path: string,
  what: string,
  allowed: readonly string[],
): Map<string, Entry> | null {
  if (!isMap(node)) {
    yaml.error(node, path, 'invalid_type', `${what} must be a mapping, got ${describe(node)}`);
    return null;
  }
  const entries = new Map<string, Entry>();
  for (const pair of (node as YAMLMap<unknown, unknown>).items) {
    const key = pair.key as Node | null;
    const value = (pair.value ?? null) as Node | null;
    if (!isScalar(key) || typeof key.value !== 'string') {
      yaml.error(key ?? node, path, 'invalid_key', `${what} keys must be strings`);
      continue;
    }
    const name = key.value;
    const keyPath = joinPath(path, name);
    if (!allowed.includes(name)) {
      const suggestion = closestKey(name, allowed);
      const hint = suggestion === null ? `valid keys: ${allowed.join(', ')}` : `did you mean "${suggestion}"?`;
      yaml.error(key, keyPath, 'unknown_key', `unknown key "${name}" in ${what}; ${hint}`);
      continue;
    }
    entries.set(name, { key, value });
  }
  return entries;
}

/** The items of a sequence node, or null after reporting when it isn't one. */
export function readSequence(yaml: YamlSource, node: Node | null, path: string, what: string): Node[] | null {
  if (!isSeq(node)) {
    yaml.error(node, path, 'invalid_type', `${what} must be a list, got ${describe(node)}`);
    return null;
  }
  return (node as YAMLSeq<unknown>).items.map((item) => item as Node);
}

/** A string scalar's value, or null after reporting a type error. */
export function readString(yaml: YamlSource, entry: Entry, path: string): string | null {
  if (isScalar(entry.value) && typeof entry.value.value === 'string') return entry.value.value;
  yaml.error(
    entry.value ?? entry.key,
    path,
    'invalid_type',
    `${lastSegment(path)} must be a string, got ${describe(entry.value)}`,
  );
  return null;
}

/** A finite number scalar's value, or null after reporting a type error. */
export function readNumber(yaml: YamlSource, entry: Entry, path: string): number | null {
  if (isScalar(entry.value) && typeof entry.value.value === 'number' && Number.isFinite(entry.value.value)) {
    return entry.value.value;
  }
  yaml.error(
    entry.value ?? entry.key,
    path,
    'invalid_type',
    `${lastSegment(path)} must be a number, got ${describe(entry.value)}`,
  );
  return null;
}

/** Describes a node's type for messages: "a string", "a list", "nothing". */
export function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'null';
    if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
    return `${typeof value} ${String(value)}`;
  }
  return 'an unsupported node';
}

/** True for an absent value or an explicit YAML null. */
export function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
