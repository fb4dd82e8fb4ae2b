/**
 * Names the agent chooses (agent_id, tool, operation, and the filters on them): 1-256 characters,
 * at least one of them not a space, and no control characters (C0, DEL, C1: U+0000-U+001F,
 * U+007F-U+009F) or lone surrogates. Names are shown in the dashboard, the CLI and logs and matched by policy globs;
 * a NUL or an escape sequence in one is never legitimate.
 */
export const NAME_PATTERN = '^(?=[^]*\\S)[^\\p{Cc}\\p{Cs}]*$';

/** Longest name, in characters. */
export const MAX_NAME_LENGTH = 256;

/** The JSON Schema of a name (ajv compiles patterns with the `u` flag, as `\p{Cc}` needs). */
export const nameSchema = { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH, pattern: NAME_PATTERN } as const;

const NAME = new RegExp(NAME_PATTERN, 'u');

/** Whether `value` is a valid name, for names that arrive outside a schema (e.g. `context.agent_id`). */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && [...value].length <= MAX_NAME_LENGTH && value.length > 0 && NAME.test(value);
}
