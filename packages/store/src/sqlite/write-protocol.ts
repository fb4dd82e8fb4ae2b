import { ledgerSnapshot } from '../ledger-snapshot.js';
import type {
  ActionRecord,
  CreateActionInput,
  CreateActionResult,
  EventRecord,
  StoreErrorCode,
  TransitionInput,
  TransitionResult,
} from '../store.js';
import type { ActionJson } from '../validate-input.js';
import type { CommitStats } from './write-queue.js';

/**
 * The messages between the store (reads, on the caller's thread) and its writer (possibly a worker
 * thread). Results are compact where the caller already has the data: a fresh create answers only
 * the ledger positions and hashes, and the caller rebuilds the records from its own input, which
 * saves cloning the action and its snapshots across threads.
 */
export type WriteRequest =
  | { id: number; kind: 'create'; input: CreateActionInput; json: ActionJson }
  | { id: number; kind: 'transition'; input: TransitionInput }
  | { id: number; kind: 'migrate' }
  | { id: number; kind: 'close' };

export interface AppendedEvent {
  seq: number;
  prev_hash: string;
  hash: string;
}

export type CompactCreate = { created: true; appended: AppendedEvent[] } | CreateActionResult;

export type WriteValue = CompactCreate | TransitionResult | { from: number; to: number } | null;

export type WriteReply =
  | { type: 'result'; id: number; ok: true; value: WriteValue }
  | { type: 'result'; id: number; ok: false; error: { code: StoreErrorCode; message: string; cause?: string } }
  | { type: 'commit'; stats: CommitStats };

/** The full CreateActionResult from the caller's input and the writer's compact answer. */
export function expandCreate(input: CreateActionInput, value: CompactCreate): CreateActionResult {
  if (!('appended' in value)) return value;
  const action: ActionRecord = { ...input.action, updated_at: input.action.created_at, version: 1 };
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
