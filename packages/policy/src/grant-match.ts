import { canonicalJson } from '@faramesh/canonical';
import { compileGlob } from './glob.js';
import type { GrantScope, ParamConstraint } from './grant-scope.js';
import { hostOfUrl } from './grant-scope.js';
import { amountOf } from './param-lookup.js';
import { isAbsoluteReading, readPath } from './path-normalize.js';
import { holdsRedactedDigest } from './redacted-digest.js';
import { analyzeShell, type ShellAnalysis } from './shell-analysis.js';
import type { ActionInput } from './types.js';

/** Whether a call is inside a scope, and if not the first reason it isn't. */
export type ScopeMatch = { ok: true } | { ok: false; why: string };

/** Most paths one `path_under` constraint reads in one param (a longer list is not covered). */
const MAX_PATHS_PER_PARAM = 256;
/** A URL scheme other than `file:` (a scheme has 2+ characters, so `C:/x` is a drive, not a scheme). */
export const NON_FILE_URL = /^(?!file:)[a-z][a-z0-9+.-]+:/i;

type ScopedCall = Pick<ActionInput, 'agent_id' | 'tool' | 'operation' | 'params'>;
/** Null when a param (present or not, with its value) satisfies one constraint, else why not. */
type ConstraintCheck = (present: boolean, value: unknown) => string | null;

/** A scope ready for the submit path: its glob, granted command and `equals` text worked out once. */
interface CompiledScope {
  scope: GrantScope;
  agent: (agentId: string) => boolean;
  checks: readonly (readonly [key: string, check: ConstraintCheck])[];
}

// Compiled on a scope's first match and kept as long as the scope object lives (the server keeps a
// grant's validated terms in its live-grant cache): a scope is read as validated, never mutated.
const compiledScopes = new WeakMap<GrantScope, CompiledScope>();

/**
 * Whether `action` is inside `scope` (a validated scope, see `validateGrantScope`). Hostile input
 * never widens it: a param the scope doesn't name, a value of the wrong shape, a path that can't be
 * read or has a relative reading, a URL with credentials, a command the shell analysis can't fully
 * resolve — each means "not covered".
 */
export function matchGrantScope(scope: GrantScope, action: ScopedCall): ScopeMatch {
  let compiled = compiledScopes.get(scope);
  if (compiled === undefined) {
    compiled = compileScope(scope);
    compiledScopes.set(scope, compiled);
  }
  return matchCompiled(compiled, action);
}

function compileScope(scope: GrantScope): CompiledScope {
  const agentId = scope.agent_id;
  const pattern = scope.agent_pattern;
  const agent =
    agentId !== undefined ? (id: string) => id === agentId : pattern !== undefined ? compileGlob(pattern) : () => false;
  return {
    scope,
    agent,
    checks: Object.entries(scope.params).map(([key, constraint]) => [key, compileConstraint(constraint)] as const),
  };
}

function matchCompiled(compiled: CompiledScope, action: ScopedCall): ScopeMatch {
  const { scope } = compiled;
  if (action.tool !== scope.tool)
    return no(`tool is ${JSON.stringify(action.tool)}, not ${JSON.stringify(scope.tool)}`);
  if (action.operation !== scope.operation) {
    return no(`operation is ${JSON.stringify(action.operation)}, not ${JSON.stringify(scope.operation)}`);
  }
  if (!compiled.agent(action.agent_id)) return no(`agent ${JSON.stringify(action.agent_id)} is not covered`);
  const { params } = action;
  for (const key of Object.keys(params)) {
    if (!Object.hasOwn(scope.params, key)) return no(`param ${JSON.stringify(key)} is not in the grant's scope`);
  }
  for (const [key, check] of compiled.checks) {
    const present = Object.hasOwn(params, key);
    const why = check(present, present ? params[key] : undefined);
    if (why !== null) return no(`param ${JSON.stringify(key)} ${why}`);
  }
  return { ok: true };
}

/** The check of one constraint, with everything that depends on the grant alone done now. */
function compileConstraint(constraint: ParamConstraint): ConstraintCheck {
  if ('any' in constraint) return () => null;
  // Defence in depth for scopes stored before validation refused them: a digest never matches.
  if (holdsRedactedDigest(Object.values(constraint)[0])) {
    return (present) => (present ? 'was granted as a redacted value, which never matches' : 'is missing');
  }
  const check = valueCheck(constraint);
  return (present, value) => (present ? check(value) : 'is missing');
}

function valueCheck(constraint: Exclude<ParamConstraint, { any: true }>): (value: unknown) => string | null {
  if ('equals' in constraint) {
    const granted = canonicalOrNull(constraint.equals);
    return (value) =>
      granted !== null && canonicalOrNull(value) === granted ? null : 'differs from the granted value';
  }
  if ('at_most' in constraint) {
    const max = constraint.at_most;
    return (value) => {
      const amount = amountOf({ amount: value });
      return amount >= 0 && amount <= max ? null : `is not a number from 0 to ${max}`;
    };
  }
  if ('url_host' in constraint) {
    const host = constraint.url_host;
    return (value) =>
      typeof value === 'string' && hostOfUrl(value) === host ? null : `is not a plain http(s) URL on ${host}`;
  }
  if ('path_under' in constraint) {
    const prefix = constraint.path_under;
    return (value) => pathsUnder(value, prefix);
  }
  return commandCheck(constraint.command);
}

function pathsUnder(value: unknown, prefix: string): string | null {
  const paths = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null;
  if (paths === null || paths.length === 0 || paths.length > MAX_PATHS_PER_PARAM) {
    return 'is not a path or a list of paths';
  }
  for (const path of paths) {
    if (typeof path !== 'string') return 'holds something that is not a path';
    // `https://elsewhere/srv/data` reads as the path /srv/data: a URL is never a path here, a file: URL is.
    if (NON_FILE_URL.test(path.trim())) return `holds the URL ${JSON.stringify(path)}, not a path`;
    const read = readPath(path);
    if (!read.ok) return `holds a path that can't be read (${read.why})`;
    // Every way the path could be read must stay inside: a `..` or `%2e%2e` reading that climbs out fails.
    for (const reading of read.readings) {
      if (!isAbsoluteReading(reading) || !inside(reading, prefix))
        return `holds ${JSON.stringify(path)}, not under ${prefix}`;
    }
  }
  return null;
}

function inside(path: string, directory: string): boolean {
  if (path === directory) return true;
  return path.startsWith(directory.endsWith('/') ? directory : `${directory}/`);
}

/** The granted command line is analysed once; each call's command line on every call. */
function commandCheck(expected: string): (value: unknown) => string | null {
  const analysed = analyzeShell(expected);
  const granted = analysed.complete ? shape(analysed) : null;
  return (value) => {
    if (typeof value !== 'string') return 'is not a command line';
    const actual = analyzeShell(value);
    if (!actual.complete) return `is a command line that can't be fully analysed (${actual.problems[0] ?? 'unknown'})`;
    if (granted === null) return 'is granted a command that cannot be analysed';
    return shape(actual) === granted ? null : 'runs a different command than the one granted';
  };
}

// Analyses are cached by command text (shell-analysis.ts), so an agent repeating a command hands the
// same analysis object again: its shape is worked out once, and dropped with the analysis.
const shapes = new WeakMap<ShellAnalysis, string>();

/**
 * What a command line would run, as comparable text: commands, arguments, assignments,
 * redirections, and what here-documents and here-strings feed them and where descriptors point.
 */
function shape(analysis: ShellAnalysis): string {
  let known = shapes.get(analysis);
  if (known === undefined) {
    known = shapeText(analysis);
    shapes.set(analysis, known);
  }
  return known;
}

function shapeText(analysis: ShellAnalysis): string {
  return canonicalJson({
    commands: analysis.commands,
    redirects: analysis.redirects,
    streams: analysis.streams,
    assignments: analysis.assignments,
  });
}

/** Canonical JSON of a value, or null when it has none (it then equals nothing). */
function canonicalOrNull(value: unknown): string | null {
  try {
    return canonicalJson(value);
  } catch {
    return null;
  }
}

function no(why: string): ScopeMatch {
  return { ok: false, why };
}
