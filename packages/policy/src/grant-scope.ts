import { canonicalJson } from '@faramesh/canonical';
import { isAbsoluteReading, MAX_PATH_CHARS, readPath } from './path-normalize.js';
import { plainUrlHost } from './plain-url-host.js';
import { holdsRedactedDigest } from './redacted-digest.js';
import { analyzeShell } from './shell-analysis.js';

/**
 * What a standing grant covers: calls of one tool and operation, by one agent (or agents matching a
 * `*` glob), whose params satisfy one constraint per key. The params are a closed world: a call
 * with a key the scope doesn't name is not covered, so an agent can't slip an extra argument (a
 * `cwd`, a `--force` flag field) past a grant made for a call without it.
 */
export interface GrantScope {
  tool: string;
  operation: string;
  /** Exactly one of `agent_id` (this agent only) and `agent_pattern` (a `*` glob) is set. */
  agent_id?: string;
  agent_pattern?: string;
  params: Record<string, ParamConstraint>;
}

/**
 * A constraint on one top-level param. `command`: the same shell command line, compared as parsed
 * (every command, argument, assignment and redirection), never as a substring. `path_under`: a path
 * (or list of paths) every reading of which is this directory or inside it. `url_host`: an http(s)
 * URL on exactly this host (and port). `at_most`: a number (or decimal string) from 0 to this.
 * `equals`: exactly this JSON value. `any`: whatever value, or none (the approver widened it).
 */
export type ParamConstraint =
  | { command: string }
  | { path_under: string }
  | { url_host: string }
  | { at_most: number }
  | { equals: unknown }
  | { any: true };

export const CONSTRAINT_KINDS = ['command', 'path_under', 'url_host', 'at_most', 'equals', 'any'] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

/** The most params a scope may constrain. */
export const MAX_SCOPE_PARAMS = 64;
/** The longest canonical JSON of an `equals` value. */
export const MAX_EQUALS_CHARS = 16 * 1024;
/** The longest name (tool, operation, agent, param key), as in the HTTP contract. */
const MAX_NAME_CHARS = 256;
const SCOPE_KEYS = new Set(['tool', 'operation', 'agent_id', 'agent_pattern', 'params']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** What a URL written plainly never holds: whitespace, a backslash or a control character (one scan). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const NOT_PLAIN_URL = /[\s\\\u0000-\u001f\u007f-\u009f]/;
const HOST = /^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** One problem with a scope: where (`scope.params.cmd.command`) and what. */
export interface ScopeProblem {
  path: string;
  message: string;
}

export type ScopeValidation = { ok: true; scope: GrantScope } | { ok: false; problems: ScopeProblem[] };

/**
 * Checks a scope as it arrives (untrusted JSON) and returns it normalised: path prefixes resolved
 * lexically like the engine's path rules read paths, hosts lower-cased. Every problem is listed.
 */
export function validateGrantScope(input: unknown, at = 'scope'): ScopeValidation {
  const problems: ScopeProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  if (!isPlainObject(input)) return { ok: false, problems: [{ path: at, message: 'must be an object' }] };
  for (const key of Object.keys(input)) {
    if (!SCOPE_KEYS.has(key))
      problem(`${at}.${key}`, 'is not a scope field (tool, operation, agent_id, agent_pattern, params)');
  }
  const tool = exactName(input.tool, `${at}.tool`, problem);
  const operation = exactName(input.operation, `${at}.operation`, problem);
  const agent = agentOf(input, at, problem);
  const params: Record<string, ParamConstraint> = {};
  const rawParams = input.params ?? {};
  if (!isPlainObject(rawParams)) problem(`${at}.params`, 'must be an object of param name → constraint');
  else {
    const keys = Object.keys(rawParams);
    if (keys.length > MAX_SCOPE_PARAMS) problem(`${at}.params`, `constrains more than ${MAX_SCOPE_PARAMS} params`);
    for (const key of keys.slice(0, MAX_SCOPE_PARAMS)) {
      const where = `${at}.params.${key}`;
      if (key === '' || key.length > MAX_NAME_CHARS || CONTROL.test(key) || FORBIDDEN_KEYS.has(key)) {
        problem(where, 'is not a usable param name');
        continue;
      }
      const constraint = validateConstraint(rawParams[key], where, problem);
      if (constraint !== null) params[key] = constraint;
    }
  }
  if (problems.length > 0 || tool === null || operation === null || agent === null) {
    return { ok: false, problems };
  }
  return { ok: true, scope: { tool, operation, ...agent, params } };
}

/** The kind of a (validated) constraint. */
export function constraintKind(constraint: ParamConstraint): ConstraintKind {
  return Object.keys(constraint)[0] as ConstraintKind;
}

type Report = (path: string, message: string) => void;

function exactName(value: unknown, where: string, problem: Report): string | null {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME_CHARS || CONTROL.test(value)) {
    problem(where, `must be a name of 1-${MAX_NAME_CHARS} characters without control characters`);
    return null;
  }
  if (value.includes('*')) {
    problem(where, 'must be exact: a grant covers calls of one tool and operation');
    return null;
  }
  return value;
}

function agentOf(
  input: Record<string, unknown>,
  at: string,
  problem: Report,
): { agent_id: string } | { agent_pattern: string } | null {
  const hasId = input.agent_id !== undefined;
  const hasPattern = input.agent_pattern !== undefined;
  if (hasId === hasPattern) {
    problem(`${at}.agent_id`, 'give exactly one of agent_id (one agent) and agent_pattern (a * glob)');
    return null;
  }
  const value = hasId ? input.agent_id : input.agent_pattern;
  const where = `${at}.${hasId ? 'agent_id' : 'agent_pattern'}`;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME_CHARS || CONTROL.test(value)) {
    problem(where, `must be a name of 1-${MAX_NAME_CHARS} characters without control characters`);
    return null;
  }
  if (hasId) return { agent_id: value };
  if (!value.includes('*')) {
    problem(where, 'has no *; use agent_id for one agent');
    return null;
  }
  return { agent_pattern: value };
}

function validateConstraint(raw: unknown, where: string, problem: Report): ParamConstraint | null {
  if (!isPlainObject(raw) || Object.keys(raw).length !== 1) {
    problem(where, `must be an object with exactly one of ${CONSTRAINT_KINDS.join(', ')}`);
    return null;
  }
  const [kind] = Object.keys(raw) as [string];
  const value = raw[kind];
  // A digest stands for a value that is gone: comparing it would match only an agent sending its text.
  if (kind !== 'any' && holdsRedactedDigest(value)) {
    problem(`${where}.${kind}`, 'holds a redacted value (a digest); a grant never compares digests: use {"any": true}');
    return null;
  }
  switch (kind) {
    case 'command':
      return commandConstraint(value, `${where}.command`, problem);
    case 'path_under':
      return pathConstraint(value, `${where}.path_under`, problem);
    case 'url_host':
      return hostConstraint(value, `${where}.url_host`, problem);
    case 'at_most':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problem(`${where}.at_most`, 'must be a number of at least 0');
        return null;
      }
      return { at_most: value };
    case 'equals':
      return equalsConstraint(value, `${where}.equals`, problem);
    case 'any':
      if (value !== true) {
        problem(`${where}.any`, 'must be true');
        return null;
      }
      return { any: true };
    default:
      problem(`${where}.${kind}`, `is not a constraint; use one of ${CONSTRAINT_KINDS.join(', ')}`);
      return null;
  }
}

function commandConstraint(value: unknown, where: string, problem: Report): ParamConstraint | null {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_PATH_CHARS) {
    problem(where, `must be a command line of 1-${MAX_PATH_CHARS} characters`);
    return null;
  }
  const analysis = analyzeShell(value);
  if (!analysis.complete || analysis.commands.length === 0) {
    const why = analysis.problems[0] ?? 'it runs no command';
    problem(where, `can't be fully analysed (${why}), so no call could ever be shown to be the same command`);
    return null;
  }
  return { command: value };
}

function pathConstraint(value: unknown, where: string, problem: Report): ParamConstraint | null {
  if (typeof value !== 'string' || value === '') {
    problem(where, 'must be an absolute directory path');
    return null;
  }
  const read = readPath(value);
  if (!read.ok) {
    problem(where, `can't be read as a path: ${read.why}`);
    return null;
  }
  // A prefix that reads several ways (encoded, with `\`) is ambiguous: ask for its plain form.
  if (read.readings.length !== 1 || !isAbsoluteReading(read.readings[0] as string)) {
    problem(
      where,
      `must be one plain absolute path (it reads as ${read.readings.map((r) => JSON.stringify(r)).join(', ')})`,
    );
    return null;
  }
  return { path_under: read.readings[0] as string };
}

function hostConstraint(value: unknown, where: string, problem: Report): ParamConstraint | null {
  const host = typeof value === 'string' ? value.toLowerCase() : '';
  if (!HOST.test(host) || hostOfUrl(`https://${host}/`) !== host) {
    problem(where, 'must be a host name, optionally with :port (api.example.com, 10.0.0.5:8443)');
    return null;
  }
  return { url_host: host };
}

function equalsConstraint(value: unknown, where: string, problem: Report): ParamConstraint | null {
  let text: string;
  try {
    text = canonicalJson(value);
  } catch {
    problem(where, 'must be a JSON value');
    return null;
  }
  if (value === undefined || text.length > MAX_EQUALS_CHARS) {
    problem(where, `must be a JSON value of at most ${MAX_EQUALS_CHARS} characters`);
    return null;
  }
  return { equals: JSON.parse(text) };
}

/**
 * The host (and port, unless the scheme's default) of an http(s) URL written plainly: no
 * credentials, no whitespace, control characters or backslashes (which parsers read differently).
 * Null for anything else.
 */
export function hostOfUrl(text: string): string | null {
  if (text.length > MAX_PATH_CHARS || NOT_PLAIN_URL.test(text)) return null;
  const plain = plainUrlHost(text);
  if (plain !== undefined) return plain;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    return null;
  }
  return url.host === '' ? null : url.host;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
