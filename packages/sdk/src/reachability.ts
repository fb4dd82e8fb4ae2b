import { ConnectionError, FarameshError, TimeoutError } from './errors.js';

const UNAVAILABLE = new Set([502, 503, 504]);

/**
 * True when the error means no decision could be obtained from the server at all (refused, reset,
 * no answer, a proxy or the store unavailable), as opposed to an answer we must obey.
 */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof ConnectionError) return true;
  // A decision timeout carries the pending action: the server answered, so it is not an outage.
  if (err instanceof TimeoutError) return (err as { action?: unknown }).action === undefined;
  return err instanceof FarameshError && err.status !== null && UNAVAILABLE.has(err.status);
}
