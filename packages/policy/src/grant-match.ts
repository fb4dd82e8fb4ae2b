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

/**
 * Whether `action` is inside `scope` (a validated scope, see `validateGrantScope`). Hostile input
 * never widens it: a param the scope doesn't name, a value of the wrong shape, a path that can't be
 * read or has a relative reading, a URL with credentials, a command the shell analysis can't fully
 * resolve — each means "not covered".
 */
export function matchGrantScope(
  scope: GrantScope,
  action: Pick<ActionInput, 'agent_id' | 'tool' | 'operation' | 'params'>,
): ScopeMatch {
  if (action.tool !== scope.tool)
    return no(`tool is ${JSON.stringify(action.tool)}, not ${JSON.stringify(scope.tool)}`);
  if (action.operation !== scope.operation) {
    return no(`operation is ${JSON.stringify(action.operation)}, not ${JSON.stringify(scope.operation)}`);
  }
  const agentOk =
    scope.agent_id !== undefined
      ? action.agent_id === scope.agent_id
      : scope.agent_pattern !== undefined && compileGlob(scope.agent_pattern)(action.agent_id);
  if (!agentOk) return no(`agent ${JSON.stringify(action.agent_id)} is not covered`);
  const { params } = action;
  for (const key of Object.keys(params)) {
    if (!Object.hasOwn(scope.params, key)) return no(`param ${JSON.stringify(key)} is not in the grant's scope`);
  }
  for (const [key, constraint] of Object.entries(scope.params)) {
    const present = Object.hasOwn(params, key);
    const why = checkConstraint(constraint, present, present ? params[key] : undefined);
    if (why !== null) return no(`param ${JSON.stringify(key)} ${why}`);
  }
  return { ok: true };
}

/** Null when `value` satisfies `constraint`, else why not. */
function checkConstraint(constraint: ParamConstraint, present: boolean, value: unknown): string | null {
  if ('any' in constraint) return null;
  if (!present) return 'is missing';
  // Defence in depth for scopes stored before validation refused them: a digest never matches.
  if (holdsRedactedDigest(Object.values(constraint)[0])) return 'was granted as a redacted value, which never matches';
  if ('equals' in constraint) return sameJson(value, constraint.equals) ? null : 'differs from the granted value';
  if ('at_most' in constraint) {
    const amount = amountOf({ amount: value });
    return amount >= 0 && amount <= constraint.at_most ? null : `is not a number from 0 to ${constraint.at_most}`;
  }
  if ('url_host' in constraint) {
    const host = typeof value === 'string' ? hostOfUrl(value) : null;
    return host === constraint.url_host ? null : `is not a plain http(s) URL on ${constraint.url_host}`;
  }
  if ('path_under' in constraint) return pathsUnder(value, constraint.path_under);
  return sameCommand(value, constraint.command);
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

function sameCommand(value: unknown, expected: string): string | null {
  if (typeof value !== 'string') return 'is not a command line';
  const actual = analyzeShell(value);
  if (!actual.complete) return `is a command line that can't be fully analysed (${actual.problems[0] ?? 'unknown'})`;
  const granted = analyzeShell(expected);
  if (!granted.complete) return 'is granted a command that cannot be analysed';
  return shape(actual) === shape(granted) ? null : 'runs a different command than the one granted';
}

/** What a command line would run, as comparable text: commands, arguments, assignments, redirections. */
function shape(analysis: ShellAnalysis): string {
  return canonicalJson({
    commands: analysis.commands,
    redirects: analysis.redirects,
    assignments: analysis.assignments,
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

function no(why: string): ScopeMatch {
  return { ok: false, why };
}
