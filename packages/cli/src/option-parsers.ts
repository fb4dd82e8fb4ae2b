import { closestKey } from '@faramesh/policy';
import { UsageError } from './cli-error.js';

/** Commander argParser for an integer option within [min, max]. */
export function intOption(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      throw new UsageError(`invalid value '${value}' for ${flag}: expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/** Commander argParser for an option that takes one of `choices`; suggests the closest on a typo. */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    const near = closestKey(value, choices);
    const hint = near ? ` (did you mean ${near}?)` : ` (one of: ${choices.join(', ')})`;
    throw new UsageError(`invalid value '${value}' for ${flag}${hint}`);
  };
}

/** Commander argParser for an ISO 8601 date-time. */
export function dateOption(flag: string) {
  return (value: string): string => {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      throw new UsageError(`invalid value '${value}' for ${flag}: expected a date-time like 2026-01-12T10:00:00Z`);
    }
    return date.toISOString();
  };
}
