import { canonicalJson } from '@faramesh/canonical';
import { type PathSet, scanPaths } from './path-scan.js';
import { analyzeShell, combineAnalyses, type ShellAnalysis } from './shell-analysis.js';
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
  #paths: PathSet | undefined;
  #shell: ShellAnalysis | null | undefined;

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
    return this.shell()?.normalized ?? null;
  }

  /** What the shell command line(s) in `params.cmd` and/or `params.command` would run, or null. */
  shell(): ShellAnalysis | null {
    if (this.#shell === undefined) this.#shell = shellAnalysisOf(this.action.params);
    return this.#shell;
  }

  /** Every path the params name, normalised, for the `path_*` conditions (see `path-scan.ts`). */
  paths(): PathSet {
    if (this.#paths === undefined) this.#paths = scanPaths(this.action.params);
    return this.#paths;
  }
}

/** The analysis of the string `cmd` and `command` params (both, combined, when both exist). */
export function shellAnalysisOf(params: Record<string, unknown>): ShellAnalysis | null {
  const parts: ShellAnalysis[] = [];
  for (const key of ['cmd', 'command']) {
    const value = Object.hasOwn(params, key) ? params[key] : undefined;
    if (typeof value === 'string') parts.push(analyzeShell(value));
  }
  return parts.length === 0 ? null : combineAnalyses(parts);
}

function paramsJson(params: Record<string, unknown>): string {
  try {
    return canonicalJson(params);
  } catch {
    // Only values with no JSON form (NaN, functions) get here; they can't arrive over the wire.
    return JSON.stringify(params) ?? '';
  }
}
