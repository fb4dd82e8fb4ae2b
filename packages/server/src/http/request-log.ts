import type { FastifyRequest } from 'fastify';

/**
 * The HTTP logger of FARAMESH_LOG_REQUESTS: one JSON line (pino) per request received and per
 * response sent, on `stream` (stderr by default). A request is logged as its method, path and
 * client address only: no headers (bearer tokens, cookies) and no query string (email approval
 * links carry their token there, the sign-in callback its code). Without FARAMESH_LOG_REQUESTS
 * there is no HTTP logger at all, which costs nothing per request.
 */
export function requestLogOptions(stream: NodeJS.WritableStream = process.stderr): Record<string, unknown> {
  return {
    level: 'info',
    stream,
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        path: pathOf(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
