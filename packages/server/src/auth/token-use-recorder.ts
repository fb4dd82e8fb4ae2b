import type { TokenStore } from '@faramesh/store';

export interface TokenUseRecorderOptions {
  /** A token's last_used_at is rewritten at most this often (default one minute). */
  intervalMs?: number;
  /** Uses waiting for the next write, at most (about 100 bytes each); more are dropped. */
  maxPending?: number;
  /** How long uses gather before they are written together. */
  flushDelayMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Records when database tokens were last used without writing on the request path: a use is noted
 * only when the stored last_used_at is older than `intervalMs`, gathered in a bounded map, and
 * written in one batch a little later. It is bookkeeping, not security: a use dropped because the
 * map is full, or lost in a crash, only leaves last_used_at a little behind.
 */
export class TokenUseRecorder {
  readonly #store: TokenStore;
  readonly #intervalMs: number;
  readonly #maxPending: number;
  readonly #flushDelayMs: number;
  readonly #onError: (error: unknown) => void;
  #pending = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(store: TokenStore, options: TokenUseRecorderOptions = {}) {
    this.#store = store;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#flushDelayMs = options.flushDelayMs ?? 1000;
    this.#onError = options.onError ?? (() => {});
  }

  /** Notes that token `id`, whose stored last_used_at is `lastUsedAt`, authenticated a request at `at`. */
  used(id: string, lastUsedAt: string | null, at: Date): void {
    if (lastUsedAt !== null && at.getTime() - Date.parse(lastUsedAt) < this.#intervalMs) return;
    if (this.#pending.has(id) || this.#pending.size >= this.#maxPending) return;
    this.#pending.set(id, at.toISOString());
    this.#timer ??= setTimeout(() => void this.flush(), this.#flushDelayMs);
    this.#timer.unref();
  }

  /** Writes the uses noted so far; resolves when they are written (or failed and were reported). */
  flush(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const uses = [...this.#pending].map(([id, at]) => ({ id, at }));
    this.#pending = new Map();
    this.#flushing = this.#flushing
      .then(() => (uses.length === 0 ? undefined : this.#store.touch(uses)))
      .catch(this.#onError);
    return this.#flushing;
  }
}
