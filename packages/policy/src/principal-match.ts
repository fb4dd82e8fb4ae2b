import { type MatchSpec, PRINCIPAL_ROLES } from './types.js';
import { type Entry, joinPath, readString, type YamlSource } from './yaml-document.js';

/** The match keys on the authenticated principal (trusted facts, set by the server). */
export const PRINCIPAL_KEYS = ['principal', 'principal_role', 'principal_group'] as const;

type PrincipalSpec = Pick<MatchSpec, (typeof PRINCIPAL_KEYS)[number]>;

/**
 * Validates `principal` (a glob on the name), `principal_role` (agent, approver or admin) and
 * `principal_group` (one group name, compared exactly), reporting every problem into `yaml`.
 */
export function readPrincipalKeys(yaml: YamlSource, entries: Map<string, Entry>, path: string): PrincipalSpec {
  const spec: PrincipalSpec = {};
  for (const key of PRINCIPAL_KEYS) {
    const entry = entries.get(key);
    if (entry === undefined) continue;
    const keyPath = joinPath(path, key);
    const value = readString(yaml, entry, keyPath);
    if (value === null) continue;
    if (value === '') {
      yaml.error(entry.value, keyPath, 'invalid_value', `${key} must not be empty`);
    } else if (key === 'principal_role' && !(PRINCIPAL_ROLES as readonly string[]).includes(value)) {
      yaml.error(
        entry.value,
        keyPath,
        'invalid_value',
        `principal_role must be ${PRINCIPAL_ROLES.join(', ')}; got ${JSON.stringify(value)}`,
      );
    } else {
      spec[key] = value;
    }
  }
  return spec;
}
