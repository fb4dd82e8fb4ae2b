import type { ActionRecord, CreateActionInput, CreateActionResult, EventRecord } from '../store.js';

/**
 * A fresh create's answer from the writer is compact: only the ledger positions and hashes it
 * assigned and the records it built. The store builds the events from the caller's input.
 */
export interface AppendedEvent {
  seq: number;
  prev_hash: string;
  hash: string;
}

/**
 * `input` is there when a limit gate chose what to write instead of the caller's input; `action` and
 * `snapshot` are the records the writer stored and hashed.
 */
export type CompactCreate =
  | {
      created: true;
      appended: AppendedEvent[];
      action: ActionRecord;
      snapshot: ActionRecord;
      input?: CreateActionInput;
    }
  | CreateActionResult;

/** The full CreateActionResult from the caller's input and the writer's compact answer. */
export function expandCreate(caller: CreateActionInput, value: CompactCreate): CreateActionResult {
  if (!('appended' in value)) return value;
  const input = value.input ?? caller;
  const { action, snapshot } = value;
  const events: EventRecord[] = input.events.map((event, index) => {
    const appended = value.appended[index]!;
    return {
      seq: appended.seq,
      id: event.id,
      action_id: action.id,
      event_type: event.event_type,
      meta: event.meta,
      created_at: action.created_at,
      prev_hash: appended.prev_hash,
      hash: appended.hash,
      action: snapshot,
    };
  });
  return { action, events, created: true };
}
