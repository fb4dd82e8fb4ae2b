/** The outcome of one readiness check. */
export interface CheckResult {
  ok: boolean;
  /** Why not, as a stable snake_case code (shown to everyone); absent when ok. */
  reason?: string;
  /** Backend names, paths, error messages: shown to admins only. */
  details?: Record<string, unknown>;
}

/** One named condition for serving. Other parts of the server add theirs (e.g. ledger consistency). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<CheckResult>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Array<CheckResult & { name: string }>;
  checked_at: string;
}

export interface ReadinessOptions {
  /** How long a report is reused: probes can't be used to hammer the database. */
  cacheMs: number;
  /** A check that hasn't answered by then fails with `check_timeout`. */
  timeoutMs: number;
  now: () => Date;
}

/**
 * The named readiness checks, run together and cached for `cacheMs`; concurrent callers share one
 * run, so however often /ready is called, each check runs at most once per `cacheMs`. A check that
 * throws or hangs counts as failed: readiness never reports ready on a check it couldn't complete.
 */
export class Readiness {
  readonly #checks: ReadinessCheck[] = [];
  readonly #options: ReadinessOptions;
  #last: { at: number; report: ReadinessReport } | null = null;
  #running: Promise<ReadinessReport> | null = null;

  constructor(options: ReadinessOptions) {
    this.#options = options;
  }

  /** Adds a check; names are unique. */
  add(check: ReadinessCheck): void {
    if (this.#checks.some((existing) => existing.name === check.name)) {
      throw new Error(`readiness check "${check.name}" is already registered`);
    }
    this.#checks.push(check);
    this.#last = null;
  }

  /** The current report, from the cache when it is fresh enough. */
  report(): Promise<ReadinessReport> {
    const now = this.#options.now().getTime();
    if (this.#last !== null && now - this.#last.at < this.#options.cacheMs) return Promise.resolve(this.#last.report);
    if (this.#running !== null) return this.#running;
    this.#running = this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #run(): Promise<ReadinessReport> {
    const checks = await Promise.all(
      this.#checks.map(async (check) => ({ name: check.name, ...(await this.#settle(check)) })),
    );
    const at = this.#options.now();
    const report = { ready: checks.every((c) => c.ok), checks, checked_at: at.toISOString() };
    this.#last = { at: at.getTime(), report };
    return report;
  }

  async #settle(check: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, reason: 'check_timeout', details: { timeout_ms: this.#options.timeoutMs } }),
        this.#options.timeoutMs,
      );
    });
    try {
      return await Promise.race([check.check(), timeout]);
    } catch (error) {
      return { ok: false, reason: `${check.name}_failed`, details: { error: (error as Error).message } };
    } finally {
      clearTimeout(timer);
    }
  }
}
