export interface RateLimiterOptions {
  /** Tokens added per second; 0 turns the limiter off. */
  ratePerSecond: number;
  /** Bucket size: what a caller idle for a while may spend at once. */
  burst: number;
  /** Most callers tracked; the least recently seen is forgotten first (its next bucket starts full). */
  maxKeys: number;
  /** Milliseconds, monotonic. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets, one per caller. The map is bounded by `maxKeys`: callers are kept in the order they
 * were last seen, and the oldest is dropped when a new one would exceed the bound. Dropping a bucket
 * only forgets a debt (the caller starts again with a full bucket), never blocks anyone.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  get enabled(): boolean {
    return this.options.ratePerSecond > 0;
  }

  /** Callers currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Takes `cost` tokens from `key`'s bucket: 0 when admitted, else the whole seconds after which the
   * request would be (Retry-After). A cost above the burst is capped at it, so any request can pass
   * with a full bucket.
   */
  take(key: string, cost: number): number {
    const { ratePerSecond, burst, maxKeys } = this.options;
    if (ratePerSecond <= 0) return 0;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: burst, at: now };
    } else {
      // Re-inserted below, so the map's order stays least recently seen first.
      this.buckets.delete(key);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
    }
    this.buckets.set(key, bucket);
    if (this.buckets.size > maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    const need = Math.min(cost, burst);
    if (bucket.tokens >= need) {
      bucket.tokens -= need;
      return 0;
    }
    return Math.max(1, Math.ceil((need - bucket.tokens) / ratePerSecond));
  }
}
