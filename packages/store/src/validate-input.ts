import { canonicalJson } from '@faramesh/canonical';
import type { LimitGate } from './limit-usage.js';
import { type CreateActionInput, type NewAction, type NewEvent, StoreError, type TransitionInput } from './store.js';

/**
 * Checks what TypeScript can't: non-empty event lists (every state change is recorded) and JSON that
 * the hash chain can canonicalize. Runs before any write, so a bad input never reaches a transaction.
 */
/** Canonical JSON texts of the action's JSON columns, computed once while validating. */
export interface ActionJson {
  params: string;
  context: string;
  matched_rule: string | null;
  approval: string | null;
  /** The canonical JSON of each event's meta, in the order of the input's events (the ledger hashes it). */
  meta: string[];
}

export function validateCreate(input: CreateActionInput): ActionJson {
  const { action } = input;
  requireFields(action);
  const known = input.canonical;
  const json: ActionJson = {
    params: requireJsonObject(action.params, 'action.params', { known: known?.params }),
    context: requireJsonObject(action.context, 'action.context', { known: known?.context }),
    ...decisionJson(action),
    // A gated create's events are what its gate replaces (resolveGate checks and canonicalizes what
    // the gate returns, reusing nothing of these): only their shape is checked here, so a limited
    // submission's decision meta isn't canonicalized twice.
    meta: validateEvents(input.events, [], [], input.limit === undefined),
  };
  if (input.shadow !== undefined && input.shadow.action_id !== action.id) {
    throw new StoreError('invalid_input', 'shadow.action_id must be the action id');
  }
  if (input.limit !== undefined) validateGate(input.limit);
  return json;
}

/** A gate's key and window, checked before anything is queued (limit-usage.ts). */
function validateGate(gate: LimitGate): void {
  if (typeof gate.key !== 'string' || gate.key === '' || gate.key.length > 256) {
    throw new StoreError('invalid_input', 'a limit gate needs a key of 1-256 characters');
  }
  if (typeof gate.since !== 'string' || gate.since === '')
    throw new StoreError('invalid_input', 'a limit gate needs since');
  if (typeof gate.decide !== 'function') throw new StoreError('invalid_input', 'a limit gate needs decide');
}

/**
 * `validateCreate` for a create whose params and context are the very objects of an earlier
 * validated create (`json`): only the rest is checked and canonicalized again (only the events when
 * it is the very same action object).
 */
export function validateDecision(
  input: CreateActionInput,
  json: ActionJson,
  sameAction: boolean,
  checked: readonly NewEvent[] = [],
): ActionJson {
  const meta = validateEvents(input.events, checked, json.meta);
  if (sameAction) return Object.assign({}, json, { meta });
  requireFields(input.action);
  return { params: json.params, context: json.context, ...decisionJson(input.action), meta };
}

function requireFields(action: NewAction): void {
  for (const key of ['id', 'agent_id', 'tool', 'operation', 'status', 'created_at'] as const) {
    if (typeof action[key] !== 'string' || action[key] === '') {
      throw new StoreError('invalid_input', `action.${key} must be a non-empty string`);
    }
  }
}

function decisionJson(action: NewAction): Pick<ActionJson, 'matched_rule' | 'approval'> {
  return {
    matched_rule: action.matched_rule === null ? null : requireJsonObject(action.matched_rule, 'action.matched_rule'),
    approval: action.approval === undefined ? null : requireJsonObject(action.approval, 'action.approval'),
  };
}

/** Returns the canonical JSON of each event's meta, in order. */
export function validateTransition(input: TransitionInput): string[] {
  if (typeof input.id !== 'string' || input.id === '') throw new StoreError('invalid_input', 'id is required');
  if (!Number.isSafeInteger(input.expected_version)) {
    throw new StoreError('invalid_input', 'expected_version must be an integer');
  }
  if (typeof input.at !== 'string' || input.at === '') throw new StoreError('invalid_input', 'at is required');
  if (input.patch.approval !== undefined) requireJsonObject(input.patch.approval, 'patch.approval');
  return validateEvents(input.events);
}

/**
 * Checks events and returns their meta texts; the meta of an event object found in `checked` (already
 * validated, its text at the same index of `checkedMeta`) isn't canonicalized again. Without `texts`
 * only the shape is checked (each meta an object) and no text is returned.
 */
function validateEvents(
  events: NewEvent[],
  checked: readonly NewEvent[] = [],
  checkedMeta: readonly string[] = [],
  texts = true,
): string[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new StoreError('invalid_input', 'a state change must record at least one event');
  }
  const ids = new Set<string>();
  const meta: string[] = [];
  for (let index = 0; index < events.length; index++) {
    const event = events[index] as NewEvent;
    if (typeof event.id !== 'string' || event.id === '') {
      throw new StoreError('invalid_input', `events[${index}].id is required`);
    }
    if (ids.has(event.id)) throw new StoreError('invalid_input', `events[${index}].id is repeated`);
    ids.add(event.id);
    if (typeof event.event_type !== 'string' || event.event_type === '') {
      throw new StoreError('invalid_input', `events[${index}].event_type is required`);
    }
    if (!texts) {
      if (typeof event.meta !== 'object' || event.meta === null || Array.isArray(event.meta)) {
        throw new StoreError('invalid_input', `events[${index}].meta must be a JSON object`);
      }
      continue;
    }
    const known = checked.indexOf(event);
    meta.push(checkedMeta[known] ?? requireJsonObject(event.meta, 'events[].meta', { index }));
  }
  return meta;
}

/**
 * Throws unless `value` is a JSON object; returns its canonical JSON text (`known`, when the caller
 * already made it). `index` goes between the brackets of `where` ("events[].meta"), only when a
 * message is written.
 */
function requireJsonObject(
  value: unknown,
  where: string,
  { index, known }: { index?: number; known?: string | undefined } = {},
): string {
  const place = () => (index === undefined ? where : where.replace('[]', `[${index}]`));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StoreError('invalid_input', `${place()} must be a JSON object`);
  }
  if (known !== undefined) return known;
  try {
    return canonicalJson(value);
  } catch (error) {
    throw new StoreError('invalid_input', `${place()} is not JSON: ${String(error)}`, error);
  }
}

/** The stored form of a JSON value: canonical text, so that reading it back re-hashes identically. */
export function normalizeJson<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T;
}
