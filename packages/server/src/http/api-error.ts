import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@faramesh/contract';

/** An error meant for the client: a stable code (which fixes the HTTP status), a message and details. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}
