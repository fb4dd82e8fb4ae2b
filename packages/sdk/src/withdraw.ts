import type { FarameshClient } from './client.js';

/** How long a best-effort cancel may take before the interrupted caller gets its AbortError anyway. */
export const WITHDRAW_TIMEOUT_MS = 5_000;

/**
 * Tells the server that an action the caller stopped waiting for is no longer wanted (`cancelled`),
 * so it doesn't sit in the approvers' queue until it expires. Best effort and bounded: it never
 * throws and gives up after WITHDRAW_TIMEOUT_MS (the action then expires on its own).
 */
export async function withdraw(client: FarameshClient, actionId: string, reason: string): Promise<void> {
  try {
    await client.cancelAction(actionId, { reason, signal: AbortSignal.timeout(WITHDRAW_TIMEOUT_MS) });
  } catch {
    // Unreachable, already decided or started, or too slow: nothing more an interrupted caller can do.
  }
}

/** What an aborted call rejects with: the signal's reason (an AbortError unless the caller gave one). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
