import { GENESIS_HASH } from '@faramesh/store';
import type { LedgerVerifyKey } from '../ledger-key.js';
import { type SegmentProblem, type SegmentVerification, verifySegmentFile } from './segment-verify.js';

export interface SegmentSetVerification {
  ok: boolean;
  segments: SegmentVerification[];
  /** Problems between files: the segments, in seq order, must form one chain. */
  problems: SegmentProblem[];
  /**
   * The first segment starts the ledger (seq 1, linked to the genesis hash): false when the earlier
   * segments weren't given, so the chain before it is not checked.
   */
  from_genesis: boolean;
}

/**
 * Verifies segment files one by one (`verifySegmentFile`), then, in seq order, that each continues
 * the one before it (its first seq follows, its first event links to the last hash), so that a set
 * of segments given together is one unbroken stretch of the ledger.
 */
export async function verifySegments(
  paths: readonly string[],
  key: LedgerVerifyKey | null,
): Promise<SegmentSetVerification> {
  const segments: SegmentVerification[] = [];
  for (const path of paths) segments.push(await verifySegmentFile(path, key));
  const ordered = [...segments].sort((a, b) => (a.first_seq ?? 0) - (b.first_seq ?? 0));
  const problems: SegmentProblem[] = [];
  for (let i = 1; i < ordered.length; i += 1) {
    const before = ordered[i - 1]!;
    const after = ordered[i]!;
    if (before.last_seq === null || after.first_seq === null) continue;
    if (after.first_seq !== before.last_seq + 1 || after.prev_hash !== before.last_hash) {
      problems.push({
        file: after.file,
        line: 1,
        message: `does not continue ${before.file} (seqs ${before.first_seq}–${before.last_seq}): it starts at seq ${after.first_seq}${after.prev_hash === before.last_hash ? '' : ' and links to another hash'}`,
      });
    }
  }
  const first = ordered[0];
  const from_genesis = first !== undefined && first.first_seq === 1 && first.prev_hash === GENESIS_HASH;
  return { ok: problems.length === 0 && segments.every((s) => s.ok), segments, problems, from_genesis };
}
