import { createdRecord } from '../created-record.js';
import { ledgerSnapshot } from '../ledger-snapshot.js';
import type { CreateActionInput, CreateActionResult, EventRecord } from '../store.js';

/**
 * A fresh create's answer from the writer is compact: only the ledger positions and hashes it
 * assigned. The store rebuilds the full records from the caller's input, which it already has.
 */
export interface AppendedEvent {
  seq: number;
  prev_hash: string;
  hash: string;
}

/** `input` is there when a limit gate chose what to write instead of the caller's input. */
export type CompactCreate =
  | { created: true; appended: AppendedEvent[]; input?: CreateActionInput }
  | CreateActionResult;

/** The full CreateActionResult from the caller's input and the writer's compact answer. */
export function expandCreate(caller: CreateActionInput, value: CompactCreate): CreateActionResult {
  if (!('appended' in value)) return value;
  const input = value.input ?? caller;
  const action = createdRecord(input.action);
  const snapshot = ledgerSnapshot(action);
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
