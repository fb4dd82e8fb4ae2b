import type { Node } from 'yaml';
import { PRINCIPAL_KEYS, readPrincipalKeys } from './principal-match.js';
import { compileSafeRegex, type SafeRegex } from './safe-regex.js';
import { readShellKeys } from './shell-match-spec.js';
import type { MatchSpec } from './types.js';
import { type Entry, joinPath, readMapping, readNumber, readString, type YamlSource } from './yaml-document.js';

/** Every key allowed in a rule's `match:` and a risk rule's `when:`. */
export const MATCH_KEYS = [
  'tool',
  'op',
  'operation',
  'agent_id',
  ...PRINCIPAL_KEYS,
  'contains',
  'pattern',
  'amount_gt',
  'amount_lt',
  'amount_gte',
  'amount_lte',
  'path_contains',
  'path_starts_with',
  'path_ends_with',
  'method',
  'branch',
  'field',
  'value',
  'commands',
  'redirect_writes',
  'any_command',
] as const;

const STRING_KEYS = [
  'tool',
  'agent_id',
  'contains',
  'path_contains',
  'path_starts_with',
  'path_ends_with',
  'method',
  'branch',
  'field',
] as const;
const NUMBER_KEYS = ['amount_gt', 'amount_lt', 'amount_gte', 'amount_lte'] as const;

/** A validated match mapping plus its compiled regex (the regex is compiled here to report its errors in place). */
export interface ValidMatch {
  spec: MatchSpec;
  regex: SafeRegex | null;
}

/** Validates a `match:`/`when:` mapping, reporting every problem; null when any was found. */
export function readMatchSpec(yaml: YamlSource, node: Node | null, path: string, what: string): ValidMatch | null {
  const errorsBefore = yaml.diagnostics.length;
  const entries = readMapping(yaml, node, path, what, MATCH_KEYS);
  if (entries === null) return null;
  const spec: MatchSpec = {};
  let regex: SafeRegex | null = null;
  if (entries.size === 0 && yaml.diagnostics.length === errorsBefore) {
    yaml.error(node, path, 'empty_match', `${what} must have at least one condition`);
  }
  for (const key of STRING_KEYS) {
    const entry = entries.get(key);
    if (entry === undefined) continue;
    const value = readString(yaml, entry, joinPath(path, key));
    if (value !== null) spec[key] = value;
  }
  for (const key of NUMBER_KEYS) {
    const entry = entries.get(key);
    if (entry === undefined) continue;
    const value = readNumber(yaml, entry, joinPath(path, key));
    if (value !== null) spec[key] = value;
  }
  Object.assign(spec, readPrincipalKeys(yaml, entries, path));
  readShellKeys(yaml, entries, path, spec);
  const op = readOperation(yaml, entries, path);
  if (op !== null) spec.op = op;
  const pattern = entries.get('pattern');
  if (pattern !== undefined) {
    const source = readString(yaml, pattern, joinPath(path, 'pattern'));
    if (source !== null) {
      const compiled = compileSafeRegex(source);
      if (compiled.ok) {
        spec.pattern = source;
        regex = compiled.regex;
      } else {
        yaml.error(pattern.value, joinPath(path, 'pattern'), compiled.code, compiled.message);
      }
    }
  }
  const value = entries.get('value');
  if (entries.has('field') && value === undefined) {
    yaml.error(
      entries.get('field')?.key,
      joinPath(path, 'field'),
      'field_without_value',
      '`field` needs a `value` to compare with',
    );
  }
  if (value !== undefined) {
    if (!entries.has('field')) {
      yaml.error(value.key, joinPath(path, 'value'), 'value_without_field', '`value` needs a `field` to look up');
    } else {
      spec.value = value.value === null ? null : value.value.toJSON();
    }
  }
  return yaml.diagnostics.length === errorsBefore ? { spec, regex } : null;
}

// `op` and `operation` are true aliases; writing both is ambiguous, so it is an error.
function readOperation(yaml: YamlSource, entries: Map<string, Entry>, path: string): string | null {
  const op = entries.get('op');
  const operation = entries.get('operation');
  if (op !== undefined && operation !== undefined) {
    yaml.error(
      operation.key,
      joinPath(path, 'operation'),
      'conflicting_alias',
      '`op` and `operation` are aliases; use only one',
    );
    return null;
  }
  const entry = op ?? operation;
  if (entry === undefined) return null;
  return readString(yaml, entry, joinPath(path, op !== undefined ? 'op' : 'operation'));
}
