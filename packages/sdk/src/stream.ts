import type { StreamFrame, StreamQuery } from '@faramesh/contract';
import { FarameshError } from './errors.js';
import { SseParser } from './sse-parser.js';
import type { Transport } from './transport.js';

/** One frame of `GET /v1/events`. */
export interface StreamEvent {
  /** The ledger sequence number (SSE `id:`); pass it as `lastEventId` to resume after it. */
  id: string;
  /** `action.created`, `action.decided`, `action.approved`, … */
  event: string;
  data: StreamFrame;
}

export type StreamStatus =
  | { state: 'connecting'; url: string }
  | { state: 'open'; url: string }
  | { state: 'reconnecting'; url: string; attempt: number; delayMs: number; error: unknown };

export interface StreamOptions {
  filters?: StreamQuery;
  /** Resume after this event id (sent as `Last-Event-ID`). */
  lastEventId?: string | number;
  signal?: AbortSignal;
  /** Called on every connection state change (e.g. to show "reconnecting…"). */
  onStatus?: (status: StreamStatus) => void;
  /** First reconnection delay, doubling up to maxDelayMs. Default 500 ms, or the server's `retry:`. */
  initialDelayMs?: number;
  /** Default 15 000 ms. */
  maxDelayMs?: number;
  /** Give up after this many failed reconnections in a row. Default: never. */
  maxAttempts?: number;
  /**
   * Reconnect when nothing (not even a heartbeat) arrives for this long. The server sends a
   * heartbeat every 15 s; default 45 000 ms.
   */
  idleTimeoutMs?: number;
}

/** Statuses that a reconnection can't fix: stop and throw. */
const FATAL_STATUS = new Set([400, 401, 403, 404, 405, 415, 422]);

/**
 * Follows the event stream: parses SSE from the fetch body, reconnects with backoff after any
 * disconnect and resumes from the last received id, so no event is lost or repeated. Ends when
 * `signal` aborts or the consumer stops iterating.
 */
export async function* followStream(transport: Transport, options: StreamOptions = {}): AsyncGenerator<StreamEvent> {
  const query = { ...(options.filters ?? {}) } as Record<string, string | undefined>;
  const url = transport.url('/v1/events', query);
  const initialDelay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 15_000;
  const idleTimeout = options.idleTimeoutMs ?? 45_000;
  let lastEventId = options.lastEventId === undefined ? '' : String(options.lastEventId);
  let serverRetry: number | undefined;
  let failures = 0;
  options.onStatus?.({ state: 'connecting', url });

  while (!options.signal?.aborted) {
    const connection = new AbortController();
    const onOuterAbort = (): void => connection.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let error: unknown = new FarameshError('connection_failed', `event stream from ${url} ended`);
    try {
      const headers: Record<string, string> = lastEventId ? { 'last-event-id': lastEventId } : {};
      const res = await transport.open('/v1/events', query, headers, connection.signal);
      failures = 0;
      options.onStatus?.({ state: 'open', url });
      const parser = new SseParser();
      parser.lastEventId = lastEventId;
      const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
      let idle = setTimeout(() => connection.abort(new Error('idle')), idleTimeout);
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          clearTimeout(idle);
          idle = setTimeout(() => connection.abort(new Error('idle')), idleTimeout);
          for (const message of parser.feed(value)) {
            lastEventId = message.id;
            if (message.data === '') continue;
            let data: StreamFrame;
            try {
              data = JSON.parse(message.data) as StreamFrame;
            } catch {
              continue;
            }
            // Unnamed frames (`format: 'unnamed'`) carry their name only in the data's `type`.
            const event = message.event === 'message' && typeof data.type === 'string' ? data.type : message.event;
            yield { id: message.id, event, data };
          }
          lastEventId = parser.lastEventId;
          serverRetry = parser.retryMs ?? serverRetry;
        }
        error = new FarameshError('connection_failed', `event stream from ${url} closed by the server`);
      } finally {
        clearTimeout(idle);
        reader.cancel().catch(() => {});
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      if (err instanceof FarameshError && err.status !== null && FATAL_STATUS.has(err.status)) throw err;
      error = err;
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
      connection.abort();
    }
    failures++;
    if (options.maxAttempts !== undefined && failures > options.maxAttempts) throw error;
    // The server's `retry:` sets the first delay; repeated failures back off from there.
    const base = serverRetry ?? initialDelay;
    const delayMs = Math.min(base * 2 ** (failures - 1), Math.max(maxDelay, base));
    options.onStatus?.({ state: 'reconnecting', url, attempt: failures, delayMs, error });
    try {
      await transport.config.sleep(delayMs, options.signal);
    } catch {
      return;
    }
  }
}
