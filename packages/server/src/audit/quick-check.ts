import type { LedgerStore } from '@faramesh/store';
import { effectiveHead } from './archive/archive-check.js';
import { checkArchiveEdge } from './archive/archive-edge.js';
import { CheckpointChecker } from './checkpoint-check.js';
import { lastCheckpointLine } from './checkpoint-file.js';
import { checkHighWater } from './high-water-check.js';
import type { LedgerVerifyKey } from './ledger-key.js';
import { type LedgerProblem, ProblemLog } from './ledger-problems.js';

export interface QuickCheckOptions {
  key: LedgerVerifyKey | null;
  checkpointFile: string | null;
}

/**
 * The consistency checks cheap enough for start-up and a timer (a few index lookups, whatever the
 * ledger's size): the high-water mark against the newest event, the oldest seq, and the newest
 * checkpoint of the database and of the file (signature, and the hash it vouches for). A full
 * verification (`verifyLedger`) reads everything; this catches truncation and re-hashing below a
 * checkpoint before the server appends to a damaged ledger.
 */
export async function quickLedgerCheck(ledger: LedgerStore, options: QuickCheckOptions): Promise<LedgerProblem[]> {
  const log = new ProblemLog();
  const state = await ledger.state();
  const archive = (await ledger.archive?.latest()) ?? null;
  const head = effectiveHead(state.newest, archive);
  for (const problem of checkHighWater(state.high_water, head)) log.add(problem);
  if (archive !== null) await checkArchiveEdge(ledger, archive, options.key, log);
  else if (state.oldest_seq !== null && state.oldest_seq !== 1) {
    log.add({ kind: 'seq_gap', seq: state.oldest_seq, message: `the ledger starts at seq ${state.oldest_seq}, not 1` });
  }
  const archived = archive ? { seq: archive.last_seq, hash: archive.last_hash } : null;
  const checker = new CheckpointChecker(ledger, options.key, head?.seq ?? 0, log, archived);
  const latest = await ledger.latestCheckpoint();
  if (latest !== null) await checker.add({ where: `database checkpoint ${latest.id}`, checkpoint: latest });
  if (options.checkpointFile !== null) {
    try {
      const fromFile = await lastCheckpointLine(options.checkpointFile);
      if (fromFile !== null) await checker.add({ where: options.checkpointFile, checkpoint: fromFile });
    } catch (error) {
      log.add({ kind: 'checkpoint_file_invalid', message: `${options.checkpointFile}: ${(error as Error).message}` });
    }
  }
  await checker.flush();
  return log.listed;
}
