import { MAX_DURATION_MS } from '@faramesh/policy';
import type { LedgerArchiveStore } from '@faramesh/store';

/**
 * How far back a limit's window can reach from now: the longest window a policy may name (365 days),
 * plus a day for replicas whose clocks disagree. Usage counted earlier is read by no window, whatever
 * the policy says now or later, so pruning it can never change a decision.
 */
export const USAGE_REACH_MS = MAX_DURATION_MS + 86_400_000;

/**
 * Rows looked at per write transaction. A stretch holds the writer for its duration (SQLite, 2,000,000
 * rows over 1,024 buckets: ~35 µs per row removed, ~85 ms for 20,000), so submissions wait at most a
 * few milliseconds behind one.
 */
export const USAGE_PRUNE_STRETCH = 4096;

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
