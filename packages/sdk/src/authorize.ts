import type { Action, SubmitActionRequest } from '@faramesh/contract';
import type { CallOptions, FarameshClient } from './client.js';
import { TimeoutError } from './errors.js';
import {
  ActionCancelledError,
  ActionDeniedError,
  ActionNotRunnableError,
  ApprovalExpiredError,
  ApprovalTimeoutError,
} from './governance-errors.js';
import { abortReason, withdraw } from './withdraw.js';

export const DEFAULT_APPROVAL_TIMEOUT_MS = 300_000;

export interface AuthorizeOptions extends CallOptions {
  /**
   * The same key answers the same action, so a call submitted again (a retry, a resumed graph, a
   * re-run agent step) is not a second action. Default: a new random UUID.
   */
  idempotencyKey?: string;
  /** How long to wait for an approver. Default 300 000 ms; then ApprovalTimeoutError. */
  approvalTimeoutMs?: number;
  /** Hears approval progress while waiting (see WaitOptions.onProgress); the wait ends only on the final decision. */
  onProgress?: (action: Action) => void;
}

/**
 * Submits a call and, when it requires approval, waits for the decision (long-poll). Resolves with
 * the action once it is `allowed` or `approved`; throws ActionDeniedError, ApprovalExpiredError,
 * ActionCancelledError, ApprovalTimeoutError or ActionNotRunnableError otherwise, and the
 * transport's errors as they are. Aborting `signal` while waiting withdraws the action (see settle).
 */
export async function authorize(
  client: FarameshClient,
  request: SubmitActionRequest,
  options: AuthorizeOptions = {},
): Promise<Action> {
  const action = await client.submitAction(request, {
    idempotencyKey: options.idempotencyKey ?? crypto.randomUUID(),
    ...signalOf(options),
  });
  return settle(client, action, options);
}

/**
 * Waits out `pending_approval` (if needed) and answers the action only if it may run now. When
 * `signal` aborts during the wait, the action is withdrawn (best effort, see `withdraw`) so it leaves
 * the approvers' queue, and the call rejects with the signal's reason (an AbortError).
 */
export async function settle(
  client: FarameshClient,
  action: Action,
  options: Pick<AuthorizeOptions, 'approvalTimeoutMs' | 'signal' | 'onProgress'> = {},
): Promise<Action> {
  if (action.status !== 'pending_approval') return runnable(action);
  const timeoutMs = options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
  try {
    const progress = options.onProgress === undefined ? {} : { onProgress: options.onProgress };
    return runnable(await client.waitForDecision(action.id, { timeoutMs, ...signalOf(options), ...progress }));
  } catch (err) {
    if (options.signal?.aborted) {
      await withdraw(client, action.id, 'the waiting caller was interrupted');
      throw abortReason(options.signal);
    }
    // waitForDecision attaches the still-pending action when the decision (not a request) timed out.
    const pending = (err as { action?: Action }).action;
    if (err instanceof TimeoutError && pending !== undefined) throw new ApprovalTimeoutError(pending, timeoutMs);
    throw err;
  }
}

/** The action if its status lets it run now; otherwise the typed error explaining why not. */
export function runnable(action: Action): Action {
  switch (action.status) {
    case 'allowed':
    case 'approved':
      return action;
    case 'denied':
      throw new ActionDeniedError(action);
    case 'expired':
      throw new ApprovalExpiredError(action);
    case 'cancelled':
      throw new ActionCancelledError(action);
    case 'pending_approval':
      throw new ApprovalTimeoutError(action, 0);
    case 'executing':
    case 'succeeded':
    case 'failed':
      throw new ActionNotRunnableError(action);
    default:
      return assertNever(action.status);
  }
}

function assertNever(status: never): never {
  throw new Error(`unknown action status ${String(status)}`);
}

function signalOf(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
