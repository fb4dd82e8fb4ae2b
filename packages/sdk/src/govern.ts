import type { JsonObject, SubmitActionRequest } from '@faramesh/contract';
import { settle } from './authorize.js';
import { canonicalJson } from './canonical-json.js';
import { FarameshClient } from './client.js';
import { execute, messageOf } from './execute.js';
import { ArgumentsChangedError } from './governance-errors.js';
import { isUnreachable } from './reachability.js';
import { recordQueueOf } from './record-queue.js';

export interface GovernOptions<A extends unknown[]> {
  /** The tool and operation the policy matches on, e.g. `shell` / `run`. */
  tool: string;
  operation: string;
  agentId: string;
  /** The params submitted for a call. Default: the single plain-object argument, else `{args: [...]}`. */
  params?: (...args: A) => JsonObject;
  /** Extra context for the policy and the audit trail. */
  context?: JsonObject | ((...args: A) => JsonObject);
  /** Default: `new FarameshClient()` (FARAMESH_BASE_URL / FARAMESH_TOKEN). */
  client?: FarameshClient;
  /** How long a call waits for an approver before ApprovalTimeoutError. Default 300 000 ms. */
  approvalTimeoutMs?: number;
  /**
   * Run the function when the server can't be reached to submit (never after it answered: a deny
   * or a pending approval is always obeyed). The call is queued and submitted, with the same
   * idempotency key, when the server is back; see RecordQueue for the limits. Default false.
   */
  failOpen?: boolean;
  /** A stable key per logical call (e.g. a tool-call id), so re-running it finds the same action. */
  idempotencyKey?: (...args: A) => string;
  signal?: AbortSignal;
}

/**
 * Wraps `fn` so that every call is submitted to Faramesh first and runs only when allowed or
 * approved, with exactly the submitted arguments. Throws ActionDeniedError, ApprovalExpiredError
 * or ApprovalTimeoutError (the function never ran), and ConnectionError when the server is
 * unreachable unless `failOpen` is set.
 */
export function govern<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: GovernOptions<A>,
): (...args: A) => Promise<Awaited<R>> {
  const client = options.client ?? new FarameshClient();
  const paramsOf = options.params ?? defaultParams;
  return async (...args: A): Promise<Awaited<R>> => {
    const params = paramsOf(...args);
    const submitted = canonicalJson(params);
    const request: SubmitActionRequest = {
      agent_id: options.agentId,
      tool: options.tool,
      operation: options.operation,
      params,
    };
    const context = typeof options.context === 'function' ? options.context(...args) : options.context;
    if (context !== undefined) request.context = context;
    const idempotencyKey = options.idempotencyKey?.(...args) ?? crypto.randomUUID();
    const signal = options.signal ? { signal: options.signal } : {};

    // Re-checked synchronously right before the call: the approval covers the submitted arguments only.
    const run = (actionId: string) => (): R => {
      if (canonicalJson(paramsOf(...args)) !== submitted) throw new ArgumentsChangedError(actionId);
      return fn(...args);
    };

    let action: Awaited<ReturnType<FarameshClient['submitAction']>>;
    try {
      action = await client.submitAction(request, { idempotencyKey, ...signal });
    } catch (err) {
      if (options.failOpen && isUnreachable(err))
        return runUnrecorded(client, request, idempotencyKey, run('unrecorded'));
      throw err;
    }
    void recordQueueOf(client).flush();
    const runnable = await settle(client, action, { ...signal, ...timeoutOf(options) });
    return execute(client, runnable, run(runnable.id), { ...signal, failOpen: options.failOpen === true });
  };
}

/** `governed(options)(fn)`: the same as `govern(fn, options)`, for wrapping at definition time. */
export function governed<A extends unknown[]>(options: GovernOptions<A>) {
  return <R>(fn: (...args: A) => R): ((...args: A) => Promise<Awaited<R>>) => govern(fn, options);
}

async function runUnrecorded<R>(
  client: FarameshClient,
  request: SubmitActionRequest,
  idempotencyKey: string,
  run: () => R,
): Promise<Awaited<R>> {
  const queue = recordQueueOf(client);
  try {
    const value = await run();
    queue.enqueue({ kind: 'submission', request, idempotencyKey, outcome: { success: true, error: null } });
    return value;
  } catch (err) {
    queue.enqueue({ kind: 'submission', request, idempotencyKey, outcome: { success: false, error: messageOf(err) } });
    throw err;
  }
}

function timeoutOf(options: { approvalTimeoutMs?: number }): { approvalTimeoutMs?: number } {
  return options.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: options.approvalTimeoutMs };
}

/** The single plain-object argument as params (the common `tool(input)` shape), else the argument list. */
export function defaultParams(...args: unknown[]): JsonObject {
  const [first] = args;
  if (args.length === 1 && isPlainObject(first)) return first;
  return { args };
}

function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
