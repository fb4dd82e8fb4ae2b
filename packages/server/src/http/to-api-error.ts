import { NAME_PATTERN, TIMESTAMP_FORMAT_HINT } from '@faramesh/contract';
import { StoreError } from '@faramesh/store';
import { ApiError } from './api-error.js';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
  message?: string;
}

/**
 * Translates anything thrown while handling a request into an ApiError: the one table that maps
 * framework, store and body-parser failures onto the contract's error codes. Unknown errors become
 * `internal_error` without leaking their message.
 */
export function toApiError(error: unknown): { apiError: ApiError; unexpected: boolean } {
  if (error instanceof ApiError) return { apiError: error, unexpected: false };
  if (error instanceof StoreError) {
    switch (error.code) {
      case 'not_found':
        return { apiError: new ApiError('action_not_found', error.message), unexpected: false };
      case 'version_conflict':
        return {
          apiError: new ApiError('version_conflict', 'the action changed concurrently; fetch it and retry'),
          unexpected: false,
        };
      case 'invalid_input':
      case 'already_exists':
        return { apiError: new ApiError('validation_failed', error.message), unexpected: false };
      default:
        return { apiError: new ApiError('store_unavailable', 'the database is unavailable'), unexpected: true };
    }
  }
  const e = (error ?? {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? 'body';
    const details = e.validation.map((issue) => describeIssue(where, issue));
    const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    return { apiError: new ApiError('validation_failed', `invalid ${where}: ${summary}`, details), unexpected: false };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { apiError: new ApiError('payload_too_large', 'request body is too large'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        apiError: new ApiError('unsupported_media_type', 'send the body as application/json'),
        unexpected: false,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { apiError: new ApiError('invalid_json', 'the JSON body is empty'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { apiError: new ApiError('bad_request', 'content-length does not match the body'), unexpected: false };
    case 'FST_ERR_BAD_URL':
      return { apiError: new ApiError('bad_request', 'malformed URL'), unexpected: false };
    default:
      break;
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { apiError: new ApiError('bad_request', e.message ?? 'bad request'), unexpected: false };
  }
  return { apiError: new ApiError('internal_error', 'internal server error'), unexpected: true };
}

function describeIssue(
  where: string,
  issue: { instancePath?: string; message?: string; params?: Record<string, unknown> },
): { path: string; message: string } {
  const base = issue.instancePath ? issue.instancePath.slice(1).replaceAll('/', '.') : '';
  const extra = issue.params?.additionalProperty ?? issue.params?.missingProperty;
  const path = [where, base, typeof extra === 'string' ? extra : ''].filter((part) => part !== '').join('.');
  if (issue.params?.additionalProperty !== undefined) return { path, message: 'unknown field' };
  if (issue.params?.format === 'date-time') return { path, message: `must be ${TIMESTAMP_FORMAT_HINT}` };
  if (issue.params?.pattern === NAME_PATTERN)
    return { path, message: 'must not be blank or contain control characters' };
  return { path, message: issue.message ?? 'invalid' };
}
