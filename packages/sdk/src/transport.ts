import { ConnectionError, errorFromResponse, FarameshError, TimeoutError } from './errors.js';

export type QueryValue = string | number | boolean | null | undefined;

export interface TransportConfig {
  baseUrl: string;
  token: string | null;
  timeoutMs: number;
  retries: number;
  fetch: typeof fetch;
  headers: Record<string, string>;
  /** Waits between retries; injectable so tests don't sleep. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * May be sent again after a failure. Only for GETs and for submits carrying an Idempotency-Key:
   * repeating any other POST could apply it twice.
   */
  retry?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Non-2xx statuses whose body is an answer rather than an error (e.g. 503 from /ready). */
  acceptStatus?: readonly number[];
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** HTTP plumbing shared by every client method: URL building, auth, timeouts, retries, error mapping. */
export class Transport {
  constructor(readonly config: TransportConfig) {}

  url(path: string, query?: Record<string, QueryValue>): string {
    const base = this.config.baseUrl.replace(/\/+$/, '');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    return `${base}${path}${qs ? `?${qs}` : ''}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.config.headers, ...extra };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    return headers;
  }

  async request<T>(spec: RequestSpec): Promise<Answer<T>> {
    const attempts = spec.retry ? this.config.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(spec);
      } catch (err) {
        if (attempt >= attempts || !isRetryable(err) || spec.signal?.aborted) throw err;
        await this.config.sleep(backoffMs(attempt, err), spec.signal);
      }
    }
  }

  private async once<T>(spec: RequestSpec): Promise<Answer<T>> {
    const url = this.url(spec.path, spec.query);
    const timeoutMs = spec.timeoutMs ?? this.config.timeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout.signal]) : timeout.signal;
    const init: RequestInit = { method: spec.method, headers: this.headers(spec.headers), signal };
    if (spec.body !== undefined) {
      init.body = JSON.stringify(spec.body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    try {
      const res = await this.config.fetch(url, init);
      const text = await res.text();
      let body: unknown = null;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          if (res.ok) {
            throw new FarameshError('invalid_response', `invalid JSON from ${url}`, { status: res.status });
          }
        }
      }
      if (!res.ok && !spec.acceptStatus?.includes(res.status)) {
        const error = errorFromResponse(res.status, body, url);
        (error as { retryAfterMs?: number | undefined }).retryAfterMs = retryAfterMs(res.headers);
        throw error;
      }
      return { status: res.status, body: body as T, headers: res.headers };
    } catch (err) {
      throw this.classify(err, url, timeout.signal, timeoutMs, spec.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Opens a streaming GET (SSE): the timeout covers only the wait for the response headers. */
  async open(path: string, query: Record<string, QueryValue>, extra: Record<string, string>, signal: AbortSignal) {
    const url = this.url(path, query);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.config.timeoutMs);
    const headerSignal = AbortSignal.any([signal, timeout.signal]);
    // Only the connect phase honours the timeout; after that the stream lives as long as `signal`.
    const relay = new AbortController();
    const onAbort = (): void => relay.abort(headerSignal.reason);
    headerSignal.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.config.fetch(url, {
        method: 'GET',
        headers: this.headers({ accept: 'text/event-stream', ...extra }),
        signal: relay.signal,
      });
      headerSignal.removeEventListener('abort', onAbort);
      signal.addEventListener('abort', () => relay.abort(signal.reason), { once: true });
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
        throw errorFromResponse(res.status, body, url);
      }
      if (!res.body) throw new FarameshError('invalid_response', `empty event stream from ${url}`);
      return res;
    } catch (err) {
      throw this.classify(err, url, timeout.signal, this.config.timeoutMs, signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(err: unknown, url: string, timeout: AbortSignal, timeoutMs: number, user?: AbortSignal): unknown {
    if (err instanceof FarameshError) return err;
    if (user?.aborted) return user.reason ?? err;
    if (timeout.aborted) return new TimeoutError(url, timeoutMs);
    return new ConnectionError(url, err);
  }
}

function isRetryable(err: unknown): boolean {
  if (err instanceof ConnectionError || err instanceof TimeoutError) return true;
  return err instanceof FarameshError && err.status !== null && RETRYABLE_STATUS.has(err.status);
}

function backoffMs(attempt: number, err: unknown): number {
  const asked = (err as { retryAfterMs?: number }).retryAfterMs;
  if (asked !== undefined) return Math.min(asked, 10_000);
  const base = Math.min(250 * 2 ** (attempt - 1), 4_000);
  return base / 2 + Math.random() * (base / 2);
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
}

/** setTimeout as a promise that rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
