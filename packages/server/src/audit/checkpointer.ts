import { GENESIS_HASH, type LedgerStore, type StoredCheckpoint } from '@faramesh/store';
import { effectiveHead } from './archive/archive-check.js';
import { walkChain } from './chain-walk.js';
import { appendCheckpointLine, lastCheckpointLine } from './checkpoint-file.js';
import { checkSignature, makeCheckpoint } from './checkpoint-signature.js';
import type { LedgerSigningKey } from './ledger-key.js';
import type { LedgerMonitor } from './ledger-monitor.js';
import { ProblemLog } from './ledger-problems.js';

export interface CheckpointerDeps {
  ledger: LedgerStore;
  monitor: LedgerMonitor;
  key: LedgerSigningKey | null;
  file: string | null;
  now: () => Date;
}

type Position = { seq: number; hash: string };

/**
 * Writes checkpoints of the ledger head, on demand and from a timer. It never vouches for a
 * ledger it hasn't checked: before signing it runs the quick checks and verifies the chain from the
 * last position it trusts (its own previous checkpoint, a signed or file checkpoint that matches,
 * or else the genesis) up to the head; any problem marks the ledger inconsistent instead. Calls are
 * serialized, so two checkpoints never verify the same stretch at once.
 */
export class Checkpointer {
  #verified: Position | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: CheckpointerDeps) {}

  /** Verifies up to the head and records a checkpoint of it; throws `ledger_inconsistent` otherwise. */
  checkpoint(): Promise<StoredCheckpoint> {
    const run = this.#queue.then(() => this.#run());
    this.#queue = run.catch(() => {});
    return run;
  }

  /** A checkpoint only when the head moved since the last one this process wrote. */
  async checkpointIfMoved(): Promise<StoredCheckpoint | null> {
    const newest = await this.#head();
    if (newest === null || newest.seq === this.#verified?.seq) return null;
    return this.checkpoint();
  }

  async #run(): Promise<StoredCheckpoint> {
    const { ledger, monitor, key, file, now } = this.deps;
    await monitor.check();
    monitor.assertWritable();
    const head = (await this.#head()) ?? { seq: 0, hash: GENESIS_HASH };
    const from = await this.#trustedStart(head.seq);
    const log = new ProblemLog(10);
    const walked = await walkChain(ledger, log, { from, to: head.seq, owners: false });
    const reached = walked.newest ?? from;
    if (reached.seq !== head.seq || reached.hash !== head.hash) {
      log.add({
        kind: 'head_mismatch',
        seq: head.seq,
        message: `the chain verified up to seq ${reached.seq} does not end at the head`,
      });
    }
    if (log.count > 0) {
      monitor.record(log.listed);
      monitor.assertWritable();
    }
    this.#verified = head;
    const checkpoint = makeCheckpoint(head, now().toISOString(), key);
    const stored = await ledger.addCheckpoint(checkpoint);
    if (file !== null) await appendCheckpointLine(file, checkpoint);
    return stored;
  }

  /** The newest event, or the newest archive's end when nothing newer is left. */
  async #head(): Promise<Position | null> {
    const { ledger } = this.deps;
    const [state, archive] = await Promise.all([ledger.state(), ledger.archive?.latest() ?? null]);
    return effectiveHead(state.newest, archive);
  }

  /** Where verification may start: a checkpoint the quick check just found matching, if trusted. */
  async #trustedStart(headSeq: number): Promise<Position> {
    const { ledger, key, file } = this.deps;
    const candidates: Position[] = this.#verified ? [this.#verified] : [];
    // Below the newest archive the chain is only in its segments: never start before its end.
    const archive = await ledger.archive?.latest();
    const floor = archive ? { seq: archive.last_seq, hash: archive.last_hash } : null;
    if (floor !== null) candidates.push(floor);
    const latest = await ledger.latestCheckpoint();
    if (latest !== null && key !== null && checkSignature(latest, key) === 'valid') candidates.push(latest);
    const fromFile = file === null ? null : await lastCheckpointLine(file);
    if (fromFile !== null && checkSignature(fromFile, key) !== 'forged') candidates.push(fromFile);
    const best = candidates
      .filter((c) => c.seq <= headSeq && c.seq >= (floor?.seq ?? 0))
      .sort((a, b) => b.seq - a.seq)[0];
    return best ? { seq: best.seq, hash: best.hash } : { seq: 0, hash: GENESIS_HASH };
  }
}
