import { COMMAND_EVENTS, type Command, type JsonObject, STATUS_AFTER_EVENT } from '@faramesh/contract';
import type { ActionPatch, ActionRecord, GrantChange, NewEvent } from '@faramesh/store';
import type { ActionServiceDeps } from './action-service-deps.js';
import { assertMove } from './transition-check.js';

/** A new ledger event of `type`, with a fresh id. */
export function newEvent(deps: ActionServiceDeps, type: string, meta: JsonObject): NewEvent {
  return { id: deps.newId(), event_type: type, meta };
}

/**
 * One compare-and-set write of `patch` with its events, published once committed; `grant` is a
 * standing grant made, revoked or expired in the same transaction.
 */
export async function commitChange(
  deps: ActionServiceDeps,
  record: ActionRecord,
  patch: ActionPatch,
  events: NewEvent[],
  at: string,
  grant?: GrantChange,
) {
  const after = { ...record, ...patch, updated_at: at, version: record.version + 1 };
  const notifications = deps.notifications?.route(after, events, at);
  const result = await deps.store.transition({
    id: record.id,
    expected_version: record.version,
    patch,
    events,
    at,
    notifications,
    ...(grant !== undefined && { grant }),
  });
  if (notifications !== undefined) deps.notifications?.queued(notifications, at);
  for (const event of result.events) {
    const status = STATUS_AFTER_EVENT[event.event_type];
    if (status !== undefined) deps.metrics.countAction(status, record.tool);
  }
  deps.hub.publish(result.events);
  return result.action;
}

/** Applies one command of the transition table to `record` with the single event it records. */
export async function moveAction(
  deps: ActionServiceDeps,
  record: ActionRecord,
  command: Command,
  at: string,
  patch: ActionPatch,
  meta: JsonObject,
): Promise<ActionRecord> {
  const next = assertMove(record, command);
  return commitChange(deps, record, { ...patch, status: next }, [newEvent(deps, COMMAND_EVENTS[command], meta)], at);
}
