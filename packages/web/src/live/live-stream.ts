import type { StreamFrame } from '@faramesh/contract';
import { SseParser } from '@faramesh/sdk';
import type { HttpClient } from '../api/http-client.js';
import { isNewerEventId } from './event-id.js';

export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'live'; since: number }
  | { status: 'reconnecting'; retryAt: number; attempt: number; error: string }
  | { status: 'offline' }
  | { status: 'unauthorized' };

export interface LiveStreamOptions {
  http: HttpClient;
  onFrame: (frame: StreamFrame, eventId: string | null) => void;
  onState: (state: ConnectionState) => void;
  /** Resume point, e.g. after a page-level reconnect. */
  lastEventId?: string | null;
  /** No byte for this long means the connection is dead (the server sends heartbeats every 15 s). */
  silenceTimeoutMs?: number;
  /** Backoff bounds in milliseconds. */
  minDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

export interface LiveStream {
  close(): void;
  /** Skip the backoff wait and reconnect now (e.g. the browser came back online). */
  reconnectNow(): void;
  lastEventId(): string | null;
}

/**
 * Reads `GET /v1/events` with fetch (so the Authorization header is sent; EventSource can't), and
 * reconnects with exponential backoff, resuming from the last seen id with `Last-Event-ID` so no
 * ledger event is lost across a drop. Frames already seen are skipped.
 */
export function openLiveStream(options: LiveStreamOptions): LiveStream {
  const silenceTimeoutMs = options.silenceTimeoutMs ?? 45_000;
  const minDelay = options.minDelayMs ?? 1_000;
  const maxDelay = options.maxDelayMs ?? 15_000;
  const random = options.random ?? Math.random;
  let lastId: string | null = options.lastEventId ?? null;
  let closed = false;
  let attempt = 0;
  let controller: AbortController | null = null;
  let wake: (() => void) | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function connectOnce(): Promise<'ended' | 'unauthorized'> {
    controller = new AbortController();
    const signal = controller.signal;
    let silence: ReturnType<typeof setTimeout> | undefined;
    const armSilence = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller?.abort(), silenceTimeoutMs);
    };
    armSilence();
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      if (lastId !== null) headers['Last-Event-ID'] = lastId;
      const response = await options.http.raw('/v1/events', { method: 'GET', headers, signal });
      if (response.status === 401) return 'unauthorized';
      if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
      options.onState({ status: 'live', since: Date.now() });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        armSilence();
        attempt = 0; // data flowed: the next drop starts the backoff afresh
        for (const message of parser.feed(value)) {
          const id = message.id === '' ? null : message.id;
          if (id !== null && !isNewerEventId(id, lastId)) continue;
          const frame = parseFrame(message.data);
          if (id !== null) lastId = id;
          if (frame !== null) options.onFrame(frame, id);
        }
        // The server's `id:` on connect is a resume point even before any event arrives.
        if (parser.lastEventId !== '' && isNewerEventId(parser.lastEventId, lastId)) lastId = parser.lastEventId;
      }
      return 'ended';
    } finally {
      clearTimeout(silence);
      controller = null;
    }
  }

  async function run(): Promise<void> {
    options.onState({ status: 'connecting' });
    while (!closed) {
      let error = 'connection closed';
      try {
        const outcome = await connectOnce();
        if (outcome === 'unauthorized') {
          options.onState({ status: 'unauthorized' });
          return;
        }
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      if (closed) return;
      attempt++;
      const base = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt - 1, 10));
      const delay = Math.round(base * (0.75 + random() * 0.5));
      if (typeof navigator !== 'undefined' && navigator.onLine === false) {
        options.onState({ status: 'offline' });
      } else {
        options.onState({ status: 'reconnecting', retryAt: Date.now() + delay, attempt, error });
      }
      await sleep(delay);
      if (!closed) options.onState({ status: 'connecting' });
    }
  }

  void run();

  return {
    close() {
      closed = true;
      controller?.abort();
      wake?.();
    },
    reconnectNow() {
      if (controller === null) wake?.();
    },
    lastEventId: () => lastId,
  };
}

function parseFrame(data: string): StreamFrame | null {
  try {
    const value = JSON.parse(data) as Partial<StreamFrame>;
    if (typeof value.action?.id !== 'string' || typeof value.event?.event_type !== 'string') return null;
    return value as StreamFrame;
  } catch {
    return null;
  }
}
