import { isScalar } from 'yaml';
import { parseDuration } from './duration.js';
import { describe, type Entry, type YamlSource } from './yaml-document.js';

/**
 * A mapping entry's duration (`30s`, `10m`, `2h`, `1d`) in milliseconds, or null after reporting
 * `code` at the value: anything but such a string, zero (unless `allowZero`) or over a year.
 */
export function readDurationEntry(
  yaml: YamlSource,
  entry: Entry,
  path: string,
  code: string,
  allowZero = false,
): number | null {
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  const parsed =
    typeof value === 'string'
      ? parseDuration(value, allowZero)
      : { problem: `expected a duration such as 30s, 10m, 2h or 1d, got ${describe(entry.value)}` };
  if ('ms' in parsed) return parsed.ms;
  yaml.error(entry.value ?? entry.key, path, code, parsed.problem);
  return null;
}
