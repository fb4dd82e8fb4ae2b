import { isMap, type Node } from 'yaml';
import { readCasePrincipal } from './case-principal.js';
import type { ActionInput } from './types.js';
import { type Entry, joinPath, readMapping, readString, type YamlSource } from './yaml-document.js';

/** The keys of an action in a case file (a history entry has a few more). */
export const ACTION_KEYS = ['agent_id', 'tool', 'operation', 'op', 'params', 'context', 'principal'];

/** A required string key of a case-file mapping, or null after reporting it missing or mistyped. */
export function required(
  yaml: YamlSource,
  node: Node | null,
  entries: Map<string, Entry>,
  key: string,
  path: string,
): string | null {
  const entry = entries.get(key);
  if (entry === undefined) {
    yaml.error(node, joinPath(path, key), `missing_${key}`, `\`${key}\` is required`);
    return null;
  }
  return readString(yaml, entry, joinPath(path, key));
}

/** Reads a case's `action:` mapping (defaults: agent_id test-agent, empty params and context). */
export function readCaseAction(yaml: YamlSource, node: Node | null, path: string): ActionInput | null {
  const entries = readMapping(yaml, node, path, 'an action', ACTION_KEYS);
  return entries === null ? null : actionFromEntries(yaml, node, entries, path);
}

/** The action an action mapping's (already read) entries describe, with the case-file defaults. */
export function actionFromEntries(
  yaml: YamlSource,
  node: Node | null,
  entries: Map<string, Entry>,
  path: string,
): ActionInput | null {
  const tool = required(yaml, node, entries, 'tool', path);
  const opEntry = entries.get('operation') ?? entries.get('op');
  const operation = opEntry === undefined ? '' : readString(yaml, opEntry, joinPath(path, 'operation'));
  const agentEntry = entries.get('agent_id');
  // Defaults keep case files short: an agent id, empty params and empty context.
  const agent_id = agentEntry === undefined ? 'test-agent' : readString(yaml, agentEntry, joinPath(path, 'agent_id'));
  const params = readObject(yaml, entries.get('params'), joinPath(path, 'params'));
  const context = readObject(yaml, entries.get('context'), joinPath(path, 'context'));
  if (tool === null || operation === null || agent_id === null || params === null || context === null) return null;
  const principalEntry = entries.get('principal');
  if (principalEntry === undefined) return { agent_id, tool, operation, params, context };
  const principal = readCasePrincipal(yaml, principalEntry.value, joinPath(path, 'principal'));
  return principal === null ? null : { agent_id, tool, operation, params, context, principal };
}

function readObject(yaml: YamlSource, entry: Entry | undefined, path: string): Record<string, unknown> | null {
  if (entry === undefined) return {};
  if (isMap(entry.value)) return entry.value.toJSON() as Record<string, unknown>;
  yaml.error(entry.value ?? entry.key, path, 'invalid_type', `${path} must be a mapping`);
  return null;
}
