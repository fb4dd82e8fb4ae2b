import { type Command, nextStatus, type Status, TRANSITIONS } from '@faramesh/contract';
import type { ActionRecord } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';

/** The status `command` moves `record` to; 409 `invalid_transition` when the table doesn't allow it. */
export function assertMove(record: ActionRecord, command: Command): Status {
  const from = record.status as Status;
  const next = nextStatus(from, command);
  if (next === null) {
    throw new ApiError('invalid_transition', `cannot ${command} an action that is ${from}`, {
      status: from,
      command,
      allowed: Object.keys(TRANSITIONS[from]),
    });
  }
  return next;
}
