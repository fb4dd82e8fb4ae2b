import type { PlaygroundRequest } from '../api/faramesh-api.js';

export type ParsedAction = { ok: true; request: PlaygroundRequest } | { ok: false; error: string };

/**
 * Reads the pasted action: a JSON object with `tool` and `operation` (like a submit body). The
 * server validates it again; this only gives instant, precise feedback while typing.
 */
export function parseActionInput(text: string): ParsedAction {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'The action must be a JSON object, like {"tool": "shell", "operation": "run"}.' };
  }
  const object = value as Record<string, unknown>;
  for (const key of ['tool', 'operation'] as const) {
    if (typeof object[key] !== 'string' || object[key] === '')
      return { ok: false, error: `"${key}" must be a non-empty string.` };
  }
  for (const key of ['params', 'context'] as const) {
    const field = object[key];
    if (field !== undefined && (typeof field !== 'object' || field === null || Array.isArray(field))) {
      return { ok: false, error: `"${key}" must be an object when given.` };
    }
  }
  if (object.agent_id !== undefined && typeof object.agent_id !== 'string') {
    return { ok: false, error: '"agent_id" must be a string when given.' };
  }
  const known = new Set(['agent_id', 'tool', 'operation', 'params', 'context']);
  const unknown = Object.keys(object).filter((key) => !known.has(key));
  if (unknown.length > 0)
    return { ok: false, error: `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.` };
  return { ok: true, request: object as unknown as PlaygroundRequest };
}
