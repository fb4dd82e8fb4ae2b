import { describe, expect, it } from 'vitest';
import { STATUSES, type Status } from './action.js';
import {
  CANCELLABLE_STATUSES,
  type Command,
  isTerminal,
  nextStatus,
  TERMINAL_STATUSES,
  TRANSITIONS,
} from './lifecycle.js';

const COMMANDS: Command[] = ['approve', 'deny', 'start', 'succeed', 'fail', 'expire', 'cancel'];

describe('lifecycle transition table', () => {
  it('has a row for every status', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...STATUSES].sort());
  });

  it('lets cancel withdraw exactly the actions that have not started', () => {
    expect([...CANCELLABLE_STATUSES].sort()).toEqual(['allowed', 'approved', 'pending_approval']);
    for (const status of CANCELLABLE_STATUSES) expect(nextStatus(status, 'cancel')).toBe('cancelled');
    for (const status of ['executing', 'succeeded', 'failed', 'denied', 'expired', 'cancelled'] as Status[]) {
      expect(nextStatus(status, 'cancel')).toBeNull();
    }
  });

  it('expires pending approvals and approvals that were never started, nothing else', () => {
    const expirable = STATUSES.filter((status) => nextStatus(status, 'expire') !== null);
    expect(expirable.sort()).toEqual(['approved', 'pending_approval']);
    expect(nextStatus('approved', 'expire')).toBe('expired');
  });

  it('treats cancelled as final: no command leaves it', () => {
    expect(isTerminal('cancelled')).toBe(true);
    for (const command of COMMANDS) expect(nextStatus('cancelled', command)).toBeNull();
  });

  it('allows no move out of any terminal status and lists exactly the statuses without moves as terminal', () => {
    const withoutMoves = STATUSES.filter((status) => Object.keys(TRANSITIONS[status]).length === 0);
    expect([...TERMINAL_STATUSES].sort()).toEqual(withoutMoves.sort());
  });

  it('still refuses starting a pending action and approving a started one', () => {
    expect(nextStatus('pending_approval', 'start')).toBeNull();
    expect(nextStatus('executing', 'approve')).toBeNull();
    expect(nextStatus('approved', 'approve')).toBeNull();
  });
});
