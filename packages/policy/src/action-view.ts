import { canonicalJson } from '@faramesh/canonical';
import { type PathSet, scanPaths } from './path-scan.js';
import { normalizeShellCommand } from './shell-normalize.js';
import type { ActionInput } from './types.js';

/**
 * Regexes search at most this many UTF-16 code units of each text. Past it, a `pattern`
 * condition is undecidable and resolves to the stricter outcome (see `pattern-condition`).
 */
export const PATTERN_INPUT_CAP = 64 * 1024;

/**
 * One action being evaluated, with the derived texts computed lazily and at most once:
 * most actions never reach a `contains`/`pattern` condition, and canonical JSON is the
 * most expensive step on the hot path.
 */
export class ActionView {
  readonly action: ActionInput;
  #paramsText: string | undefined;
  #command: string | null | undefined;
  #paths: PathSet | undefined;

  constructor(action: ActionInput) {
    this.action = action;
  }

  /** The params as canonical JSON (sorted keys, no whitespace). */
  paramsText(): string {
    if (this.#paramsText === undefined) this.#paramsText = paramsJson(this.action.params);
    return this.#paramsText;
  }

  /** The normalized shell command from `params.cmd` and/or `params.command`, or null when neither is a string. */
  command(): string | null {
    if (this.#command === undefined) this.#command = normalizedCommandOf(this.action.params);
    return this.#command;
  }

  /** Every path the params name, normalised, for the `path_*` conditions (see `path-scan.ts`). */
  paths(): PathSet {
    if (this.#paths === undefined) this.#paths = scanPaths(this.action.params);
    return this.#paths;
  }
}

/** Normalized text of the string `cmd` and `command` params, joined by ` ; ` when both exist. */
export function normalizedCommandOf(params: Record<string, unknown>): string | null {
  const parts: string[] = [];
  for (const key of ['cmd', 'command']) {
    const value = Object.hasOwn(params, key) ? params[key] : undefined;
    if (typeof value === 'string') parts.push(normalizeShellCommand(value));
  }
  return parts.length === 0 ? null : parts.join(' ; ');
}

function paramsJson(params: Record<string, unknown>): string {
  try {
    return canonicalJson(params);
  } catch {
    // Only values with no JSON form (NaN, functions) get here; they can't arrive over the wire.
    return JSON.stringify(params) ?? '';
  }
}
