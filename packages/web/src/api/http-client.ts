import { ApiError } from './api-error.js';

export interface HttpClientOptions {
  /** Read on every request, so signing in or out applies at once. */
  getToken: () => string | null;
  /** The dashboard session's CSRF token (single sign-on), sent with every write; null with a token. */
  getCsrfToken?: () => string | null;
  /** Called once per 401 answer: the session is over. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  baseUrl?: string;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** A 401 is an answer, not the end of the session (e.g. asking whether there is a session). */
  quietUnauthorized?: boolean;
}

/** The one place that talks HTTP: adds the bearer token, encodes JSON, and turns errors into ApiError. */
export class HttpClient {
  readonly #options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.#options = options;
  }

  get baseUrl(): string {
    return this.#options.baseUrl ?? '';
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra };
    const token = this.#options.getToken();
    if (token !== null && token !== '') headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  /**
   * Raw fetch with auth headers, for streams. 401 is reported to onUnauthorized. Same-origin
   * credentials: a single sign-on session is an HttpOnly cookie the browser adds by itself.
   */
  async raw(
    path: string,
    init: RequestInit & { headers?: Record<string, string> },
    quietUnauthorized = false,
  ): Promise<Response> {
    const doFetch = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    const response = await doFetch(this.baseUrl + path, {
      ...init,
      headers: this.headers(init.headers),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (response.status === 401 && !quietUnauthorized) this.#options.onUnauthorized?.();
    return response;
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const method = options.method ?? 'GET';
    const url = path + encodeQuery(options.query);
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (method !== 'GET') {
      // Always JSON for state changes: the server only accepts application/json there, which a
      // cross-site HTML form can't send without a CORS preflight.
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body ?? {});
      const csrf = this.#options.getCsrfToken?.() ?? null;
      if (csrf !== null) headers['X-Faramesh-CSRF'] = csrf;
    }
    let response: Response;
    try {
      response = await this.raw(
        url,
        {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        },
        options.quietUnauthorized === true,
      );
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network_error', 'The server could not be reached.');
    }
    if (!response.ok) throw await ApiError.fromResponse(response);
    return (await response.json()) as T;
  }
}

function encodeQuery(query: RequestOptions['query']): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
