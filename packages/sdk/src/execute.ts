import type { Action, ResultRequest } from '@faramesh/contract';
import type { CallOptions, FarameshClient } from './client.js';
import { isUnreachable } from './reachability.js';
import { recordQueueOf } from './record-queue.js';
import { withdraw } from './withdraw.js';

export interface ExecuteOptions extends CallOptions {
  /**
   * Run even when `start` can't reach the server (the action is already allowed or approved, so
   * this only loses the timing; the result is queued). Default false: no start, no run.
   */
  failOpen?: boolean;
}

/**
 * Runs an allowed or approved action's function between `start` and `reportResult`. A throw is
 * reported as a failure with its message and rethrown. A result the server can't take right now is
 * queued (see RecordQueue) instead of masking the function's own outcome.
 */
export async function execute<T>(
  client: FarameshClient,
  action: Action,
  run: () => T,
  options: ExecuteOptions = {},
): Promise<Awaited<T>> {
  try {
    await client.start(action.id, signalOf(options));
  } catch (err) {
    // Interrupted before the start: the allowed/approved action will never run, so withdraw it.
    if (options.signal?.aborted) {
      await withdraw(client, action.id, 'the caller was interrupted before execution started');
      throw err;
    }
    if (!(options.failOpen && isUnreachable(err))) throw err;
  }
  let value: Awaited<T>;
  try {
    value = await run();
  } catch (err) {
    await record(client, action.id, { success: false, error: messageOf(err) });
    throw err;
  }
  await record(client, action.id, { success: true, error: null });
  return value;
}

async function record(client: FarameshClient, actionId: string, outcome: ResultRequest): Promise<void> {
  try {
    await client.reportResult(actionId, outcome);
  } catch (err) {
    if (isUnreachable(err)) recordQueueOf(client).enqueue({ kind: 'result', actionId, outcome });
    // Any other answer (e.g. the action expired meanwhile) is the server's to keep; the function's own outcome stands.
  }
}

/** The message recorded for a failed run: the error's message, capped so a huge one can't bloat the ledger. */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

function signalOf(options: { signal?: AbortSignal | undefined }): CallOptions {
  return options.signal ? { signal: options.signal } : {};
}
