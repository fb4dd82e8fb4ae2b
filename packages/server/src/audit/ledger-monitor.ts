import { ApiError } from '../http/api-error.js';
import type { LedgerProblem } from './ledger-problems.js';

export type LedgerHealth =
  | { ok: true; checked_at: string | null }
  | {
      ok: false;
      /** The problem kinds found: safe to show on the public `/ready` and to any writer. */
      reason: string;
      /** The first problems in full (they name actions and file paths): for logs and admins only. */
      problems: LedgerProblem[];
      checked_at: string;
    };

/**
 * Whether this server may append to its ledger. Once a consistency check finds the ledger behind
 * its last checkpoint or otherwise damaged, every write is refused (503 `ledger_inconsistent`) so
 * nothing is appended on top of the damage, while reads keep working for the investigation. A
 * later check that passes (after the operator restored the database) lifts it.
 */
export class LedgerMonitor {
  #health: LedgerHealth = { ok: true, checked_at: null };
  /** Why the last check could not run (e.g. the database was down); the health is kept as it was. */
  lastError: string | null = null;

  constructor(
    private readonly runCheck: () => Promise<LedgerProblem[]>,
    private readonly now: () => Date,
  ) {}

  get health(): LedgerHealth {
    return this.#health;
  }

  /** Runs the quick checks; a failure to read keeps the previous verdict. */
  async check(): Promise<LedgerHealth> {
    let problems: LedgerProblem[];
    try {
      problems = await this.runCheck();
      this.lastError = null;
    } catch (error) {
      this.lastError = (error as Error).message;
      return this.#health;
    }
    this.record(problems);
    return this.#health;
  }

  /** Records the outcome of a check run elsewhere (e.g. the checkpointer's incremental verification). */
  record(problems: LedgerProblem[]): void {
    const checked_at = this.now().toISOString();
    const first = problems[0];
    this.#health =
      first === undefined
        ? { ok: true, checked_at }
        : {
            ok: false,
            reason: [...new Set(problems.map((p) => p.kind))].join(', '),
            problems: problems.slice(0, 10),
            checked_at,
          };
  }

  /** Throws 503 `ledger_inconsistent` when writes are refused. */
  assertWritable(): void {
    const health = this.#health;
    if (health.ok) return;
    // Writers may be agents: they learn the kinds, not which actions or files are involved.
    throw new ApiError(
      'ledger_inconsistent',
      `the audit ledger failed its consistency checks (${health.reason}), so writes are refused until an operator recovers it`,
      { kinds: health.reason.split(', '), checked_at: health.checked_at },
    );
  }
}
