import { ERROR_STATUS, type ErrorCode, isErrorCode } from '@faramesh/contract';

/** Codes the client raises itself, without a server answer. */
export type ClientErrorCode =
  | 'connection_failed'
  | 'timeout'
  | 'invalid_response'
  | 'approval_token_unavailable'
  | 'not_pending';

/** An id candidate listed by the server when a prefix matches several actions. */
export interface PrefixCandidate {
  id: string;
  tool: string;
  operation: string;
  status: string;
  created_at: string;
}

/**
 * Every error the client throws. `code` is the server's stable error code (see ERROR_STATUS) or one
 * of the client's own; `status` is the HTTP status, null when no answer was received.
 */
export class FarameshError extends Error {
  override name = 'FarameshError';
  readonly code: ErrorCode | ClientErrorCode | (string & {});
  readonly status: number | null;
  readonly details: unknown;

  constructor(
    code: ErrorCode | ClientErrorCode | (string & {}),
    message: string,
    options: { status?: number | null; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? null;
    this.details = options.details ?? null;
  }
}

/** 409 `ambiguous_prefix`: the id prefix matches several actions, listed in `candidates`. */
export class AmbiguousPrefixError extends FarameshError {
  override name = 'AmbiguousPrefixError';
  readonly candidates: PrefixCandidate[];

  constructor(message: string, status: number, details: unknown) {
    super('ambiguous_prefix', message, { status, details });
    const list = (details as { candidates?: unknown } | null)?.candidates;
    this.candidates = Array.isArray(list) ? (list as PrefixCandidate[]) : [];
  }
}

/** The server could not be reached at `url` (refused, DNS, reset before an answer). */
export class ConnectionError extends FarameshError {
  override name = 'ConnectionError';
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super('connection_failed', `cannot reach Faramesh at ${url}: ${describeCause(cause)}`, { cause });
    this.url = url;
  }
}

/** No answer (or no decision, for waitForDecision) within `timeoutMs`. */
export class TimeoutError extends FarameshError {
  override name = 'TimeoutError';
  readonly url: string;
  readonly timeoutMs: number;

  constructor(url: string, timeoutMs: number, message?: string) {
    super('timeout', message ?? `no answer from ${url} within ${timeoutMs} ms`);
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

const STATUS_FALLBACK: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'policy_invalid',
  429: 'rate_limited',
  503: 'not_ready',
};

/** Rebuilds the typed error from an HTTP error answer (`{"error": {code, message, details}}`). */
export function errorFromResponse(status: number, body: unknown, url: string): FarameshError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : (STATUS_FALLBACK[status] ?? 'internal_error');
  const message = typeof error?.message === 'string' ? error.message : `unexpected HTTP ${status} from ${url}`;
  const details = error?.details ?? null;
  if (code === 'ambiguous_prefix') return new AmbiguousPrefixError(message, status, details);
  return new FarameshError(code, message, { status, details });
}

/** The status the contract assigns to a server code, or undefined for client codes. */
export function statusOfCode(code: string): number | undefined {
  return isErrorCode(code) ? ERROR_STATUS[code] : undefined;
}

function describeCause(cause: unknown): string {
  // undici wraps the system error: TypeError('fetch failed', { cause: Error('connect ECONNREFUSED …') }).
  let current: unknown = cause;
  for (let depth = 0; depth < 4; depth++) {
    const next = (current as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  const code = (current as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return current instanceof Error ? current.message : String(current);
}
