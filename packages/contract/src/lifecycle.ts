import type { EventType, Status } from './action.js';

/** What can happen to an action after it is created. */
export type Command = 'approve' | 'deny' | 'start' | 'succeed' | 'fail' | 'expire' | 'cancel';

/**
 * The one transition table of the action lifecycle. Any (status, command) pair not listed here is
 * rejected with `invalid_transition`. `denied`, `succeeded`, `failed`, `expired` and `cancelled` are
 * terminal. Reporting a result on `allowed`/`approved` implies the start (the `started` event is
 * recorded too); that composition lives in the server, not here: every row is a single move.
 *
 * `expire` leaves `pending_approval` when nobody decided in time (FARAMESH_APPROVAL_TTL) and
 * `approved` when execution did not start in time (FARAMESH_APPROVED_TTL). `cancel` withdraws an
 * action that has not started: once `executing`, the agent reports a result instead.
 */
export const TRANSITIONS: Readonly<Record<Status, Partial<Record<Command, Status>>>> = {
  allowed: { start: 'executing', cancel: 'cancelled' },
  approved: { start: 'executing', expire: 'expired', cancel: 'cancelled' },
  pending_approval: { approve: 'approved', deny: 'denied', expire: 'expired', cancel: 'cancelled' },
  executing: { succeed: 'succeeded', fail: 'failed' },
  denied: {},
  succeeded: {},
  failed: {},
  expired: {},
  cancelled: {},
};

/** The ledger event recorded by each command. */
export const COMMAND_EVENTS: Readonly<Record<Command, EventType>> = {
  approve: 'approved',
  deny: 'denied',
  start: 'started',
  succeed: 'succeeded',
  fail: 'failed',
  expire: 'expired',
  cancel: 'cancelled',
};

/**
 * The status each lifecycle event leaves the action in (`created` and `decision_made` carry theirs in
 * the decision; a combined start+result records two events, each with its own status).
 */
export const STATUS_AFTER_EVENT: Readonly<Partial<Record<string, Status>>> = {
  approved: 'approved',
  denied: 'denied',
  started: 'executing',
  succeeded: 'succeeded',
  failed: 'failed',
  expired: 'expired',
  cancelled: 'cancelled',
};

export const TERMINAL_STATUSES: readonly Status[] = ['denied', 'succeeded', 'failed', 'expired', 'cancelled'];

/** The statuses an action may be cancelled from: those where it has not started yet. */
export const CANCELLABLE_STATUSES: readonly Status[] = (Object.keys(TRANSITIONS) as Status[]).filter(
  (status) => TRANSITIONS[status].cancel !== undefined,
);

/** The status a command leads to from `from`, or null when the move is not allowed. */
export function nextStatus(from: Status, command: Command): Status | null {
  return TRANSITIONS[from][command] ?? null;
}

export function isTerminal(status: Status): boolean {
  return TERMINAL_STATUSES.includes(status);
}
