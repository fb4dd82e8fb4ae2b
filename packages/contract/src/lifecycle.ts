import type { EventType, Status } from './action.js';

/** What can happen to an action after it is created. */
export type Command = 'approve' | 'deny' | 'start' | 'succeed' | 'fail' | 'expire';

/**
 * The one transition table of the action lifecycle. Any (status, command) pair not listed here is
 * rejected with `invalid_transition`. `denied`, `succeeded`, `failed` and `expired` are terminal.
 * Reporting a result on `allowed`/`approved` implies the start (the `started` event is recorded too);
 * that composition lives in the server, not here: every row is a single move.
 */
export const TRANSITIONS: Readonly<Record<Status, Partial<Record<Command, Status>>>> = {
  allowed: { start: 'executing' },
  approved: { start: 'executing' },
  pending_approval: { approve: 'approved', deny: 'denied', expire: 'expired' },
  executing: { succeed: 'succeeded', fail: 'failed' },
  denied: {},
  succeeded: {},
  failed: {},
  expired: {},
};

/** The ledger event recorded by each command. */
export const COMMAND_EVENTS: Readonly<Record<Command, EventType>> = {
  approve: 'approved',
  deny: 'denied',
  start: 'started',
  succeed: 'succeeded',
  fail: 'failed',
  expire: 'expired',
};

export const TERMINAL_STATUSES: readonly Status[] = ['denied', 'succeeded', 'failed', 'expired'];

/** The status a command leads to from `from`, or null when the move is not allowed. */
export function nextStatus(from: Status, command: Command): Status | null {
  return TRANSITIONS[from][command] ?? null;
}

export function isTerminal(status: Status): boolean {
  return TERMINAL_STATUSES.includes(status);
}
