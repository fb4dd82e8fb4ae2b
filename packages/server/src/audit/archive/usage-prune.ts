import { MAX_DURATION_MS } from '@faramesh/policy';
import type { LedgerArchiveStore } from '@faramesh/store';

/**
 * How far back a limit's window can reach from now: the longest window a policy may name (365 days),
 * plus a day for replicas whose clocks disagree. Usage counted earlier is read by no window, whatever
 * the policy says now or later, so pruning it can never change a decision.
 */
export const USAGE_REACH_MS = MAX_DURATION_MS + 86_400_000;

/**
 * Rows looked at per write transaction: each holds the writer while it runs. `node
 * bench/usage-prune.mjs` (SQLite, 2,000,000 rows over two years, ~1,000,000 removed, 16 writers
 * submitting meanwhile at p99 7 ms without a pass): 4,096 rows a stretch took 9 s with submissions at
 * p99 45 ms; 1,024, 24 s at p99 30 ms; 256, 39 s at p99 20 ms (a commit per stretch dominates).
 */
export const USAGE_PRUNE_STRETCH = 1024;

/**
 * Removes the limit usage no window can read any more (`LedgerArchiveStore.pruneUsage`), a stretch
 * at a time: what an archive run does after its ledger stretch, so that the usage of archived actions
 * doesn't outlive every window. Each stretch commits on its own; an interrupted pass loses nothing
 * and the next archive run finishes it.
 */
export async function pruneLimitUsage(
  archive: LedgerArchiveStore,
  now: Date,
  stretch = USAGE_PRUNE_STRETCH,
): Promise<{ before: string; removed_rows: number }> {
  const before = new Date(now.getTime() - USAGE_REACH_MS).toISOString();
  let removed = 0;
  let from: number | null = null;
  do {
    const step = await archive.pruneUsage(before, from, stretch);
    removed += step.removed;
    from = step.next;
  } while (from !== null);
  return { before, removed_rows: removed };
}
