import type { Action } from '@faramesh/contract';
import { FarameshError } from './errors.js';

/**
 * Errors thrown by `govern`/`authorize` when a call may not run. Each carries the action as the
 * server last answered it, so callers can show its id, reason and risk.
 */

/** The policy or an approver denied the call; the wrapped function never ran. */
export class ActionDeniedError extends FarameshError {
  override name = 'ActionDeniedError';
  readonly action: Action;

  constructor(action: Action) {
    const by = action.approval_decided_by ? ` by ${action.approval_decided_by}` : '';
    const reason = action.approval_reason ?? action.reason ?? 'no reason given';
    super('action_denied', `${action.tool} ${action.operation} denied${by}: ${reason}`, {
      details: { action_id: action.id, reason_code: action.reason_code },
    });
    this.action = action;
  }
}

/** The approval window closed without a decision (the server's expiry: deny by default). */
export class ApprovalExpiredError extends FarameshError {
  override name = 'ApprovalExpiredError';
  readonly action: Action;

  constructor(action: Action) {
    super('approval_expired', `approval of ${action.tool} ${action.operation} (${action.id}) expired`, {
      details: { action_id: action.id },
    });
    this.action = action;
  }
}

/** The action was withdrawn (by its submitter or an admin) before it ran; the function never ran. */
export class ActionCancelledError extends FarameshError {
  override name = 'ActionCancelledError';
  readonly action: Action;

  constructor(action: Action) {
    super('action_cancelled', `${action.tool} ${action.operation} (${action.id}) was cancelled`, {
      details: { action_id: action.id },
    });
    this.action = action;
  }
}

/** No decision arrived within the caller's wait; the action may still be approved later, but this call won't run. */
export class ApprovalTimeoutError extends FarameshError {
  override name = 'ApprovalTimeoutError';
  readonly action: Action;
  readonly timeoutMs: number;

  constructor(action: Action, timeoutMs: number) {
    super(
      'approval_timeout',
      `no decision on ${action.tool} ${action.operation} (${action.id}) within ${timeoutMs} ms`,
      {
        details: { action_id: action.id },
      },
    );
    this.action = action;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The action is past the point where it may start: it is already executing or finished (an
 * idempotent re-submission of a call that ran before). Running it again would run it twice.
 */
export class ActionNotRunnableError extends FarameshError {
  override name = 'ActionNotRunnableError';
  readonly action: Action;

  constructor(action: Action) {
    super('action_not_runnable', `action ${action.id} is ${action.status}; it cannot run again`, {
      details: { action_id: action.id, status: action.status },
    });
    this.action = action;
  }
}

/** The arguments changed between submission and execution; the approval covers the submitted ones only. */
export class ArgumentsChangedError extends FarameshError {
  override name = 'ArgumentsChangedError';

  constructor(
    actionId: string,
    message = `the arguments of ${actionId} changed after they were submitted; not running`,
  ) {
    super('arguments_changed', message, { details: { action_id: actionId } });
  }
}
