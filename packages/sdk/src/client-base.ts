import type { ClientOptions } from './client-options.js';
import { type CallOptions, DEFAULT_BASE_URL } from './client-options.js';
import { type QueryValue, sleep, Transport } from './transport.js';

function env(name: string): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env?.[name];
}

/**
 * What every call of the client shares: the base URL, the transport (retries, timeouts, the token)
 * and the two ways to call it — a retried GET, and a POST or DELETE retried only when asked.
 */
export abstract class ClientBase {
  readonly baseUrl: string;
  protected readonly transport: Transport;

  /** Accepts options, or a base URL string as in the seed's examples. */
  constructor(options: ClientOptions | string = {}) {
    const opts: ClientOptions = typeof options === 'string' ? { baseUrl: options } : options;
    this.baseUrl = (opts.baseUrl ?? env('FARAMESH_BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const token = opts.token === undefined ? env('FARAMESH_TOKEN')?.split(',')[0]?.trim() : opts.token;
    const fetchImpl = opts.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('no fetch available: pass options.fetch');
    this.transport = new Transport({
      baseUrl: this.baseUrl,
      token: token || null,
      timeoutMs: opts.timeoutMs ?? 30_000,
      retries: opts.retries ?? 2,
      fetch: (input, init) => fetchImpl(input, init),
      headers: opts.headers ?? {},
      sleep: opts.sleep ?? sleep,
    });
  }

  /** Full URL of an API path, e.g. for printing curl commands. */
  url(path: string, query?: Record<string, QueryValue>): string {
    return this.transport.url(path, query);
  }

  protected async get<T>(
    path: string,
    query: Record<string, QueryValue> | undefined,
    options: CallOptions & { timeoutMs?: number },
  ): Promise<T> {
    const spec = { method: 'GET' as const, path, retry: true, ...signalOf(options) };
    if (query !== undefined) Object.assign(spec, { query });
    if (options.timeoutMs !== undefined) Object.assign(spec, { timeoutMs: options.timeoutMs });
    return (await this.transport.request<T>(spec)).body;
  }

  protected async call<T>(spec: {
    method: 'POST' | 'DELETE';
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    retry?: boolean;
    timeoutMs?: number;
    signal: AbortSignal | undefined;
  }): Promise<T> {
    const { signal, ...rest } = spec;
    return (await this.transport.request<T>({ ...rest, ...signalOf({ signal }) })).body;
  }
}

export function signalOf(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

export function enc(id: string): string {
  return encodeURIComponent(id);
}
