import { ApiError } from './api-error.js';

/** Deeper bodies are refused: agents' params are data, not programs, and deep nesting costs stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses a JSON request body. Rejects invalid JSON (NaN and friends are not JSON), nesting deeper
 * than MAX_JSON_DEPTH and `__proto__` keys (prototype pollution) with a 400 and a stable code.
 * An empty body yields undefined, so endpoints whose body is optional accept `curl -X POST`.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
  checkShape(value);
  return value;
}

function checkShape(root: unknown): void {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new ApiError('body_too_deep', `body nests deeper than ${MAX_JSON_DEPTH} levels`, {
        max_depth: MAX_JSON_DEPTH,
      });
    }
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') throw new ApiError('invalid_json', 'body contains a forbidden "__proto__" key');
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
}
