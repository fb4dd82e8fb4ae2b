import type { LedgerStore, StoredArchive } from '@faramesh/store';
import type { LedgerVerifyKey } from '../ledger-key.js';
import type { ProblemLog } from '../ledger-problems.js';
import { checkArchiveSignature } from './archive-check.js';

/**
 * The quick check's view of an archived ledger (a few index lookups): the newest archive's
 * signature, and the first event after it, which must take the next seq and link to its last hash.
 * Rows removed by hand below the oldest remaining event are a gap here, never an archive.
 */
export async function checkArchiveEdge(
  ledger: LedgerStore,
  archive: StoredArchive,
  key: LedgerVerifyKey | null,
  log: ProblemLog,
): Promise<void> {
  checkArchiveSignature(archive, key, log);
  const [next] = await ledger.events(archive.last_seq, 1);
  if (next === undefined) return;
  if (next.seq !== archive.last_seq + 1) {
    log.add({
      kind: 'seq_gap',
      seq: next.seq,
      message: `the ledger resumes at seq ${next.seq} after the archive that ends at seq ${archive.last_seq}`,
    });
  } else if (next.prev_hash !== archive.last_hash) {
    log.add({
      kind: 'broken_link',
      seq: next.seq,
      message: `seq ${next.seq} does not link to the hash the archive ending at seq ${archive.last_seq} recorded`,
    });
  }
}
