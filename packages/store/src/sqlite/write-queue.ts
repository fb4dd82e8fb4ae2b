import type { Database, Transaction } from 'better-sqlite3';
import { StoreError } from '../store.js';
import { toStoreError } from './sqlite-errors.js';

/** Reported after every flushed batch (committed or not); tests and metrics use it. */
export interface CommitStats {
  ops: number;
  committed: boolean;
  ms: number;
}

/**
 * Run inside every batch's transaction: `begin` before its first op, `finish` after its last; then
 * `ended` once the transaction committed or rolled back (a batch retried op by op has two).
 */
export interface BatchHooks {
  begin: () => void;
  finish: () => void;
  ended: (committed: boolean) => void;
}

interface WriteOp {
  run: () => unknown;
  /** Runs synchronously after the COMMIT that made this op durable, before any other JavaScript. */
  committed: (() => void) | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: StoreError };
}

/**
 * Group commit. better-sqlite3 is synchronous and, with synchronous=FULL, each COMMIT costs an
 * fsync, so one transaction per write caps throughput at a few thousand writes per second.
 * Writes queued during one event-loop turn are flushed together on the next (`setImmediate`) in
 * ONE transaction. When an op fails (version_conflict, not_found), the batch is rolled back and run
 * again with each op in its own SAVEPOINT, so that the failure rolls back only that op. Promises settle only after the outer COMMIT returned, i.e. once the
 * write is durable.
 *
 * Reads need no coordination: a flush runs synchronously from BEGIN to COMMIT, so no other
 * JavaScript (and therefore no read on this connection) can run while a batch is uncommitted.
 */
export class WriteQueue {
  readonly #db: Database;
  readonly #maxBatch: number;
  readonly #onCommit: ((stats: CommitStats) => void) | undefined;
  readonly #around: BatchHooks | undefined;
  readonly #batch: Transaction<(ops: WriteOp[]) => void>;
  readonly #fastBatch: Transaction<(ops: WriteOp[]) => void>;
  readonly #savepoint: Transaction<(op: WriteOp) => unknown>;
  #pending: WriteOp[] = [];
  #scheduled = false;
  #closed = false;

  constructor(
    db: Database,
    options: { maxBatch: number; onCommit?: (stats: CommitStats) => void; around?: BatchHooks },
  ) {
    this.#db = db;
    this.#maxBatch = Math.max(1, options.maxBatch);
    this.#onCommit = options.onCommit;
    this.#around = options.around;
    // A better-sqlite3 transaction function called inside another one runs as a SAVEPOINT.
    this.#savepoint = db.transaction((op: WriteOp) => op.run());
    this.#batch = db.transaction((ops: WriteOp[]) => {
      this.#around?.begin();
      for (const op of ops) this.#runOne(op);
      this.#around?.finish();
    });
    // The common case: no op fails, so no op needs a savepoint of its own (a savepoint per write
    // cost ~15% of the write). The first failure aborts the whole transaction and the batch is run
    // again the careful way. Ops have no effects outside the database until `committed`, so running
    // one twice is safe.
    this.#fastBatch = db.transaction((ops: WriteOp[]) => {
      this.#around?.begin();
      for (const op of ops) op.outcome = { ok: true, value: op.run() };
      this.#around?.finish();
    });
  }

  /** Queues a synchronous write; resolves with its result once the batch holding it has committed. */
  enqueue<T>(run: () => T, committed?: () => void): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('unavailable', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ run, committed, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Flushes everything queued, synchronously, then refuses new writes. */
  close(): void {
    while (this.#pending.length > 0) this.#flush();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
      if (this.#pending.length > 0) this.#schedule();
    });
  }

  #runOne(op: WriteOp): void {
    try {
      op.outcome = { ok: true, value: this.#savepoint(op) };
    } catch (error) {
      // If SQLite rolled the whole transaction back (FULL, IOERR, ...), the batch can't commit:
      // abort it rather than let the remaining ops run in autocommit mode.
      if (!this.#db.inTransaction) throw error;
      op.outcome = { ok: false, error: toStoreError(error, 'writing') };
    }
  }

  #flush(): void {
    const ops = this.#pending.splice(0, this.#maxBatch);
    if (ops.length === 0) return;
    const started = performance.now();
    let failure: StoreError | undefined;
    try {
      this.#fastBatch.immediate(ops);
      this.#around?.ended(true);
    } catch {
      this.#around?.ended(false);
      for (const op of ops) delete op.outcome;
      try {
        this.#batch.immediate(ops);
        this.#around?.ended(true);
      } catch (error) {
        this.#around?.ended(false);
        failure = toStoreError(error, 'committing a batch of writes');
      }
    }
    this.#onCommit?.({ ops: ops.length, committed: failure === undefined, ms: performance.now() - started });
    for (const op of ops) {
      const { outcome } = op;
      if (outcome && !outcome.ok) op.reject(outcome.error);
      else if (failure) op.reject(failure);
      else if (outcome) {
        op.committed?.();
        op.resolve(outcome.value);
      } else op.reject(new StoreError('unavailable', 'write was not executed'));
    }
  }
}
