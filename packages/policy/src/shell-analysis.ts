import { ByteLru } from './byte-lru.js';
import type { ShellCommand, ShellRedirect } from './shell-command.js';
import { ShellWalker, TOP_SCOPE } from './shell-walker.js';

/** Everything a shell command line would run, as far as its text tells. */
export interface ShellAnalysis {
  /** Every command that would run, outer before nested, in source order. */
  readonly commands: readonly ShellCommand[];
  /** Every redirection to or from a file. */
  readonly redirects: readonly ShellRedirect[];
  /**
   * Every other redirection, as written, in order: here-documents with the text they feed
   * (`<< …`, `(dynamic)` and the source when expanded at run time), here-strings (`<<< …`), and
   * descriptor duplications and closes (`2>&1`, `>&-`). What a command reads or where its output
   * goes changes with them, so a standing grant's command compares them too.
   */
  readonly streams: readonly string[];
  /** Names of variables the line assigns (`X=1 cmd`, `X=1`, `export X=1`, `for X in`). */
  readonly assignments: readonly string[];
  /** False when something could not be resolved; `problems` says what. */
  readonly complete: boolean;
  readonly problems: readonly string[];
  /** Each command (and bare assignment or redirection) on its own, joined by ` ; `. */
  readonly normalized: string;
}

/** Analyses are cached by command text; the cache holds at most this many (estimated) bytes. */
export const SHELL_CACHE_BYTES = 8 * 1024 * 1024;
const cache = new ByteLru<ShellAnalysis>(SHELL_CACHE_BYTES);

/** Analyses one shell command line (cached by its text). */
export function analyzeShell(text: string): ShellAnalysis {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const walker = new ShellWalker();
  walker.script(text, TOP_SCOPE);
  const analysis: ShellAnalysis = {
    commands: walker.entries.flatMap((entry) => (entry.command === null ? [] : [entry.command])),
    redirects: walker.redirects,
    streams: walker.streams,
    assignments: walker.assignments,
    complete: walker.complete,
    problems: walker.problems,
    normalized: walker.entries
      .map((entry) => entry.text)
      .filter((part) => part !== '')
      .join(' ; '),
  };
  cache.set(text, analysis, estimateBytes(text, analysis));
  return analysis;
}

/** Both analyses as one: what runs is everything either would run. */
export function combineAnalyses(parts: readonly ShellAnalysis[]): ShellAnalysis {
  if (parts.length === 1) return parts[0] as ShellAnalysis;
  return {
    commands: parts.flatMap((p) => p.commands),
    redirects: parts.flatMap((p) => p.redirects),
    streams: parts.flatMap((p) => p.streams),
    assignments: parts.flatMap((p) => p.assignments),
    complete: parts.every((p) => p.complete),
    problems: parts.flatMap((p) => p.problems),
    normalized: parts.map((p) => p.normalized).join(' ; '),
  };
}

// UTF-16 strings: 2 bytes per code unit, plus a rough per-object overhead.
function estimateBytes(text: string, analysis: ShellAnalysis): number {
  let bytes = 2 * text.length + 2 * analysis.normalized.length + 200;
  for (const command of analysis.commands) {
    bytes += 120 + 2 * command.name.length;
    for (const arg of command.args) bytes += 24 + 2 * arg.length;
    for (const via of command.via) bytes += 24 + 2 * via.length;
    for (const assignment of command.assignments) bytes += 24 + 2 * assignment.length;
  }
  for (const redirect of analysis.redirects) bytes += 80 + 2 * (redirect.target.length + redirect.operator.length);
  for (const stream of analysis.streams) bytes += 24 + 2 * stream.length;
  for (const problem of analysis.problems) bytes += 24 + 2 * problem.length;
  for (const assignment of analysis.assignments) bytes += 24 + 2 * assignment.length;
  return bytes;
}
