import { readFileSync } from 'node:fs';
import type { ChannelsSource } from './channels-config.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One secret as read, with where it came from (for problems: never its value). */
export interface SecretValue {
  label: string;
  value: string | undefined;
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Reads the secrets a channel setting names in `<field>_env` (environment variables) and
 * `<field>_file` (files), each one name or a list; secrets are never inline. Values are trimmed;
 * an unset variable comes back with `value` undefined so the caller can say which one.
 */
export function readSecretValues(
  raw: Record<string, unknown>,
  field: string,
  where: string,
  source: ChannelsSource,
  problems: string[],
): SecretValue[] {
  const secrets: SecretValue[] = [];
  for (const name of asList(raw[`${field}_env`])) {
    if (typeof name !== 'string' || !ENV_NAME.test(name)) {
      problems.push(`${where}.${field}_env must name environment variables (secrets are never inline)`);
      continue;
    }
    secrets.push({ label: `environment variable ${name}`, value: source.env(name)?.trim() });
  }
  for (const file of asList(raw[`${field}_file`])) {
    if (typeof file !== 'string' || file === '') {
      problems.push(`${where}.${field}_file must name files`);
      continue;
    }
    const path = source.path(file);
    try {
      secrets.push({ label: `file ${path}`, value: readFileSync(path, 'utf8').trim() });
    } catch (error) {
      problems.push(`${where}.${field}_file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  }
  return secrets;
}
