import type { LedgerCheckpointInfo } from '@faramesh/contract';
import { GENESIS_HASH, type LedgerCheckpoint, type LedgerStore } from '@faramesh/store';
import { readCheckpointLines } from './checkpoint-file.js';
import { checkSignature } from './checkpoint-signature.js';
import type { LedgerVerifyKey } from './ledger-key.js';
import type { ProblemLog } from './ledger-problems.js';

export interface CheckpointTally {
  checked: number;
  signed: number;
  unsigned: number;
  unverified: number;
  archived?: number;
  latest: LedgerCheckpointInfo | null;
}

export function emptyTally(): CheckpointTally {
  return { checked: 0, signed: 0, unsigned: 0, unverified: 0, latest: null };
}

type Located = { where: string; checkpoint: LedgerCheckpoint };

/**
 * Checks checkpoints against the ledger, a batch at a time: a forged signature is reported; any
 * other checkpoint must name an event that is still there with the same hash. Since the chain links
 * every event to all before it, that proves nothing at or before the checkpoint was re-hashed, and
 * a checkpoint beyond the newest event proves the ledger was cut.
 */
export class CheckpointChecker {
  readonly tally = emptyTally();
  /** The named checkpoint file, when it doesn't exist yet and no checkpoint was ever made. */
  notYetWritten: string | null = null;
  #databaseCheckpoints = 0;
  #batch: Located[] = [];

  constructor(
    private readonly ledger: LedgerStore,
    private readonly key: LedgerVerifyKey | null,
    private readonly newestSeq: number,
    private readonly log: ProblemLog,
    /** The newest archive's end: checkpoints at or below it vouch for events now in segments. */
    private readonly archived: { seq: number; hash: string } | null = null,
  ) {}

  /** Every checkpoint the database holds, in seq order. */
  async checkDatabase(pageSize = 1000): Promise<void> {
    let after: { seq: number; id: number } | null = null;
    for (;;) {
      const page = await this.ledger.checkpoints(after, pageSize);
      const last = page.at(-1);
      if (last === undefined) break;
      after = { seq: last.seq, id: last.id };
      this.#databaseCheckpoints += page.length;
      for (const checkpoint of page) await this.add({ where: `database checkpoint ${checkpoint.id}`, checkpoint });
    }
    await this.flush();
  }

  /**
   * Every line of a checkpoint file (JSONL). A missing file is reported, since it was named, unless
   * no checkpoint was ever made (call after checkDatabase): a new server writes its first one later.
   */
  async checkFile(path: string): Promise<void> {
    try {
      for await (const entry of readCheckpointLines(path)) {
        if ('error' in entry) {
          this.log.add({ kind: 'checkpoint_file_invalid', message: `${path}:${entry.line}: ${entry.error}` });
        } else await this.add({ where: `${path}:${entry.line}`, checkpoint: entry.checkpoint });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && this.#databaseCheckpoints === 0) {
        this.notYetWritten = path;
        return;
      }
      this.log.add({ kind: 'checkpoint_file_invalid', message: `${path}: ${(error as Error).message}` });
    }
    await this.flush();
  }

  async add(located: Located): Promise<void> {
    const verdict = checkSignature(located.checkpoint, this.key);
    if (verdict === 'forged') {
      this.log.add({
        kind: 'checkpoint_forged',
        seq: located.checkpoint.seq,
        message: `${located.where}: the signature does not verify with key ${this.key?.keyId}`,
      });
      return;
    }
    this.tally[verdict === 'valid' ? 'signed' : verdict] += 1;
    this.#batch.push(located);
    if (this.#batch.length >= 1000) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length === 0) return;
    const hashes = new Map(
      (await this.ledger.eventKeys(batch.map((b) => b.checkpoint.seq))).map((key) => [key.seq, key.hash]),
    );
    for (const { where, checkpoint } of batch) {
      this.tally.checked += 1;
      const { seq } = checkpoint;
      if (this.tally.latest === null || seq >= this.tally.latest.seq) this.tally.latest = { ...checkpoint };
      const archived = this.archived !== null && seq === this.archived.seq ? this.archived.hash : undefined;
      const stored = seq === 0 ? GENESIS_HASH : (hashes.get(seq) ?? archived);
      if (stored === undefined && this.archived !== null && seq < this.archived.seq) {
        // Archived: the segments hold that event; `faramesh audit verify --segment` checks them.
        this.tally.archived = (this.tally.archived ?? 0) + 1;
      } else if (seq > this.newestSeq) {
        this.log.add({
          kind: 'behind_checkpoint',
          seq,
          message: `${where} vouches for seq ${seq}, but the ledger ends at ${this.newestSeq}: events were cut`,
        });
      } else if (stored !== checkpoint.hash) {
        this.log.add({
          kind: 'checkpoint_mismatch',
          seq,
          message:
            stored === undefined
              ? `${where} vouches for seq ${seq}, which is no longer in the ledger`
              : `${where}: seq ${seq} no longer has the hash the checkpoint vouches for (re-hashed or edited)`,
        });
      }
    }
  }
}
