import type { LedgerProblem } from './ledger-problems.js';

type Position = { seq: number; hash: string } | null;

/**
 * The high-water row (last seq ever assigned, and its hash) against the newest event: behind it
 * means the newest events were deleted; ahead of it, or a different hash, means events were
 * inserted or the head edited. Cheap, so the server runs it at start and periodically.
 */
export function checkHighWater(highWater: Position, newest: Position): LedgerProblem[] {
  if (highWater === null) {
    return [{ kind: 'head_missing', message: 'the ledger high-water row is missing' }];
  }
  const newestSeq = newest?.seq ?? 0;
  if (newestSeq < highWater.seq) {
    return [
      {
        kind: 'ledger_truncated',
        seq: highWater.seq,
        message: `seq ${highWater.seq} was assigned but the ledger ends at ${newestSeq}: the newest events were deleted`,
      },
    ];
  }
  if (newestSeq > highWater.seq || (newest !== null && newest.hash !== highWater.hash)) {
    return [
      {
        kind: 'head_mismatch',
        seq: newestSeq,
        message: `the newest event (seq ${newestSeq}) is not the last one the store appended (seq ${highWater.seq}, or another hash)`,
      },
    ];
  }
  return [];
}
