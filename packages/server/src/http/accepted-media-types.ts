import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

/**
 * Makes the 415 of the routes in `scope` name the bodies they take (`accepted`, e.g. "application/json
 * or YAML") instead of the app-wide "send the body as application/json": Fastify refuses another
 * Content-Type before any handler runs, so only an error handler of the scope can say it. Every
 * other error goes on to the app's handler unchanged.
 */
export function describeAcceptedMediaTypes(scope: FastifyInstance, accepted: string): void {
  scope.setErrorHandler((error) => {
    if ((error as { code?: unknown }).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      throw new ApiError('unsupported_media_type', `send the body as ${accepted}`);
    }
    throw error;
  });
}
