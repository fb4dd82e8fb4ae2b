import type { LedgerProblem, LedgerProblemKind } from '@faramesh/contract';

export type { LedgerProblem, LedgerProblemKind };

/** How many problems a report lists; all of them are still counted, by kind. */
export const MAX_LISTED_PROBLEMS = 100;

/**
 * Collects what a verification finds: every problem counted by kind, the first `limit` kept in full,
 * so a ledger damaged everywhere gives a bounded report that still says how much is wrong.
 */
export class ProblemLog {
  readonly listed: LedgerProblem[] = [];
  readonly kinds: Partial<Record<LedgerProblemKind, number>> = {};
  count = 0;

  constructor(private readonly limit = MAX_LISTED_PROBLEMS) {}

  add(problem: LedgerProblem): void {
    this.count += 1;
    this.kinds[problem.kind] = (this.kinds[problem.kind] ?? 0) + 1;
    if (this.listed.length < this.limit) this.listed.push(problem);
  }

  has(...kinds: LedgerProblemKind[]): boolean {
    return kinds.some((kind) => (this.kinds[kind] ?? 0) > 0);
  }
}
