import { submitterOf } from '@faramesh/contract';
import type { ActionInput } from '@faramesh/policy';
import { parse } from 'yaml';
import { CliError } from '../cli-error.js';
import { displayPath, readText } from './policy-file.js';

/**
 * Reads one action (or a list of actions) from JSON or YAML: `{tool, operation|op, agent_id?,
 * params?, context?, principal?}`. The shape of a submit request, so a real request body can be tested as is.
 */
export function readActionFile(cwd: string, path: string): ActionInput[] {
  const file = displayPath(cwd, path);
  let value: unknown;
  try {
    value = parse(readText(cwd, path, 'action file'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${file}: not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new CliError(`${file}: no action in the file`);
  return items.map((item, i) => toAction(item, items.length > 1 ? `${file}[${i}]` : file));
}

function toAction(value: unknown, where: string): ActionInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(`${where}: expected an object with tool and operation`);
  }
  const raw = value as Record<string, unknown>;
  const known = new Set(['agent_id', 'tool', 'operation', 'op', 'params', 'context', 'principal']);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new CliError(`${where}: unknown field ${unknown.map((k) => `'${k}'`).join(', ')}`);
  const operation = raw.operation ?? raw.op;
  if (typeof raw.tool !== 'string' || raw.tool === '')
    throw new CliError(`${where}: 'tool' must be a non-empty string`);
  if (typeof operation !== 'string' || operation === '') {
    throw new CliError(`${where}: 'operation' (or 'op') must be a non-empty string`);
  }
  const context = objectField(raw.context, 'context', where);
  const agent = raw.agent_id ?? context.agent_id ?? 'cli';
  if (typeof agent !== 'string') throw new CliError(`${where}: 'agent_id' must be a string`);
  const action = {
    agent_id: agent,
    tool: raw.tool,
    operation,
    params: objectField(raw.params, 'params', where),
    context,
  };
  if (raw.principal === undefined) return action;
  // Who submits it, as the server would authenticate them: `{name, role, groups?}`.
  const principal = submitterOf({ principal: { groups: [], ...objectField(raw.principal, 'principal', where) } });
  if (principal === null) {
    throw new CliError(`${where}: 'principal' must be {name, role: agent|approver|admin, groups?: [..]}`);
  }
  return { ...action, principal };
}

function objectField(value: unknown, name: string, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${where}: '${name}' must be an object`);
  return value as Record<string, unknown>;
}
