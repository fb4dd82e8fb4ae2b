import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import type { Principal } from '../auth/authenticator.js';
import type { ResourceLimits } from '../config/limits-config.js';
import { ApiError } from '../http/api-error.js';
import type { Metrics } from '../metrics/metrics.js';
import { ByteBudget } from './byte-budget.js';
import { RateLimiter } from './rate-limiter.js';

/** Every started 64 KiB of body costs one more token: large writes spend the bucket faster. */
const BYTES_PER_TOKEN = 64 * 1024;

/**
 * Per-caller limits on write requests (POST), checked once the caller is authenticated and before
 * the body is read: the caller's body limit (413 `payload_too_large`), its token bucket (429
 * `rate_limited` with Retry-After), and the server-wide budget of body bytes in flight (503
 * `server_busy` with Retry-After). The in-flight budget holds a body's declared length (the caller's
 * limit for chunked bodies) from here until the response is finished, so request bodies, their parsed
 * values and the write queues holding them stay bounded together.
 */
export class RequestLimits {
  readonly limiter: RateLimiter;
  readonly inflight: ByteBudget;

  constructor(
    private readonly limits: ResourceLimits,
    private readonly globalBodyBytes: number,
    private readonly metrics: Metrics,
  ) {
    this.limiter = new RateLimiter({
      ratePerSecond: limits.ratePerSecond,
      burst: limits.rateBurst,
      maxKeys: limits.rateLimiterKeys,
    });
    this.inflight = new ByteBudget(limits.inflightBodyBytes);
  }

  /** The body limit of a caller: the principal's, else its role's, never above the global one. */
  bodyLimitFor(principal: Principal): number {
    const own = principal.openMode ? undefined : this.limits.principalBodyBytes[principal.name];
    const limit = own ?? this.limits.roleBodyBytes[principal.role] ?? this.globalBodyBytes;
    return Math.min(limit, this.globalBodyBytes);
  }

  /** Who a bucket belongs to: the principal; in open mode everyone is "anonymous", so the client IP. */
  callerKey(request: FastifyRequest): string {
    const principal = request.principal;
    return principal.openMode ? `ip:${request.ip}` : `principal:${principal.name}`;
  }

  register(app: FastifyInstance): void {
    // Callback style (no promise per request); a throw is passed on as the request's error.
    app.addHook('preParsing', (request, reply, payload, done) => {
      done(null, this.admit(request, reply, payload));
    });
  }

  /** The body stream to parse, once the caller may send it; throws the refusal otherwise. */
  private admit(request: FastifyRequest, reply: FastifyReply, payload: RequestPayload): RequestPayload {
    if (request.method !== 'POST' || request.principal === null) return payload;
    const limit = this.bodyLimitFor(request.principal);
    const declared = Number(request.headers['content-length']);
    const length = Number.isInteger(declared) && declared >= 0 ? declared : null;
    if (length !== null && length > limit) {
      this.refuse('payload_too_large');
      throw new ApiError('payload_too_large', `request body is larger than this caller's limit of ${limit} bytes`, {
        limit_bytes: limit,
      });
    }
    const bytes = length ?? limit;
    const wait = this.limiter.enabled
      ? this.limiter.take(this.callerKey(request), 1 + Math.floor(bytes / BYTES_PER_TOKEN))
      : 0;
    if (wait > 0) {
      this.refuse('rate_limited');
      reply.header('retry-after', String(wait));
      throw new ApiError('rate_limited', `too many requests from this caller; retry in ${wait} s`, {
        retry_after_seconds: wait,
      });
    }
    this.holdInflight(reply, bytes);
    return length === null && limit < this.globalBodyBytes ? payload.pipe(new BodyLimit(limit)) : payload;
  }

  private holdInflight(reply: FastifyReply, bytes: number): void {
    if (!this.inflight.hold(bytes)) {
      this.refuse('server_busy');
      reply.header('retry-after', '1');
      throw new ApiError('server_busy', 'the server is processing too many request bodies at once; retry shortly', {
        retry_after_seconds: 1,
      });
    }
    // 'close' follows the end of every response, and an aborted request too. `on` with a guard rather
    // than `once`: no wrapper and no listener removal per request (the response is dropped after).
    let held = true;
    reply.raw.on('close', () => {
      if (!held) return;
      held = false;
      this.inflight.release(bytes);
    });
  }

  private refuse(limit: string): void {
    this.metrics.limitRejections.inc({ limit });
  }
}

/** Fails a chunked body (no Content-Length) once it exceeds the caller's limit. */
class BodyLimit extends Transform {
  private received = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.limit) {
      const error = new ApiError(
        'payload_too_large',
        `request body is larger than this caller's limit of ${this.limit} bytes`,
        {
          limit_bytes: this.limit,
        },
      );
      callback(Object.assign(error, { statusCode: 413 }));
      return;
    }
    callback(null, chunk);
  }
}
