import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { StoreError } from '../store.js';

/** When the worker checkpoints, and the writer's own fallback (all in WAL frames of one page each). */
export interface CheckpointTuning {
  /** The worker checkpoints once this many frames wait to be copied into the database file. */
  frames: number;
  /** The writer checkpoints inside its COMMIT once the WAL holds this many frames (`wal_autocheckpoint`). */
  fallbackFrames: number;
  /** How often the worker reads the wal-index header. */
  pollMs: number;
  /** A frame waits at most this long for the worker, however few are waiting. */
  idleMs: number;
}

/**
 * Measured (bench/RESULTS.md, wt-ckpt). SQLite's default checkpoints every 1,000 frames inside a
 * COMMIT: 5.4% of the server's CPU at 64 connections, and a copy plus an fsync of the database file
 * on the request thread several times a second. In the worker at 1,000 frames: 4.4% (4,000: 2.3%,
 * 16,000: 1.4%), but at 1,000/s offered the larger checkpoints' fsyncs (megabytes of pages) delayed
 * the commits' WAL fsyncs more: p99 19 ms at 1,000 frames, 25 at 2,000 and 4,000, 24 without the
 * worker. The fallback is the bound: under sustained writes a checkpoint from another thread rarely
 * catches up completely (a commit lands while it copies) and SQLite restarts the WAL only after one
 * has; the writer's own checkpoint, between its commits, always does. At 16,000 frames the WAL file
 * stays under 66 MB and the request thread checkpoints 16 times less often than by default.
 */
export const CHECKPOINT_TUNING: CheckpointTuning = { frames: 1000, fallbackFrames: 16_000, pollMs: 20, idleMs: 1000 };

/** SQLite's own `wal_autocheckpoint`, which the writer goes back to when the worker fails. */
const WRITER_AUTOCHECKPOINT = 1000;

/** What `startCheckpointer` passes to the worker script. */
export interface CheckpointWorkerData extends CheckpointTuning {
  location: string;
  synchronous: 'full' | 'normal';
}

/** The worker's message after each checkpoint: `PRAGMA wal_checkpoint`'s log and checkpointed frames. */
export interface CheckpointReport {
  log: number;
  checkpointed: number;
  ms: number;
}

export interface Checkpointer {
  /** `worker`, or why the writer checkpoints inside its commits again (StoreInfo.durability). */
  state(): string;
  /** The worker's checkpoints so far. */
  readonly done: CheckpointReport[];
  /** The worker thread (tests end it abruptly to see the writer take over). */
  readonly thread: Worker;
  /** Stops the worker and waits for it to close its connection. */
  stop(): Promise<void>;
}

const KEPT_REPORTS = 64;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Moves WAL checkpoints off the request thread: a worker thread with its own connection checkpoints
 * (checkpoint-worker.ts) while the writer connection `db` checkpoints only past `fallbackFrames`,
 * which bounds the WAL in bytes whatever the worker does. If the worker fails, the writer goes back
 * to SQLite's default and `onFailure` hears why; no write depends on the worker.
 */
export function startCheckpointer(
  db: Database.Database,
  options: {
    location: string;
    synchronous: 'full' | 'normal';
    tuning?: CheckpointTuning;
    onFailure?: (error: Error) => void;
  },
): Checkpointer {
  const tuning = options.tuning ?? CHECKPOINT_TUNING;
  const pageBytes = Number(db.pragma('page_size', { simple: true }));
  const data: CheckpointWorkerData = { ...tuning, location: options.location, synchronous: options.synchronous };
  const thread = new Worker(workerFile(), { workerData: data });
  // The store's close stops it; a process that never closes its store must still be able to exit.
  thread.unref();
  db.pragma(`wal_autocheckpoint = ${tuning.fallbackFrames}`);
  // After a restart, a WAL that a large transaction grew past the bound is cut back to it.
  db.pragma(`journal_size_limit = ${tuning.fallbackFrames * (pageBytes + 24)}`);
  const done: CheckpointReport[] = [];
  let state = 'worker';
  let stopping = false;
  const fail = (error: Error) => {
    if (stopping || state !== 'worker') return;
    state = `writer (the checkpoint worker failed: ${error.message})`;
    if (db.open) db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT}`);
    options.onFailure?.(error);
  };
  const exited = new Promise<void>((resolve) => {
    thread.once('exit', (code) => {
      fail(new Error(`the worker exited with code ${code}`));
      resolve();
    });
  });
  thread.on('error', fail);
  thread.on('message', (report: CheckpointReport) => {
    done.push(report);
    if (done.length > KEPT_REPORTS) done.shift();
  });
  return {
    state: () => state,
    done,
    thread,
    async stop() {
      if (stopping) return exited;
      stopping = true;
      thread.postMessage('stop');
      const timer = setTimeout(() => void thread.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The store's checkpointing: the worker when `checkpointWorker` asks for it on a file database, else
 * (and when the worker can't start) SQLite's default inside the writer's commits.
 */
export function checkpointerFor(
  db: Database.Database,
  settings: { location: string; synchronous: 'full' | 'normal' },
  options: { checkpointWorker?: boolean | CheckpointTuning; onCheckpointFailure?: (error: Error) => void },
): Pick<Checkpointer, 'state' | 'stop'> {
  const wanted = options.checkpointWorker ?? false;
  if (wanted === false || settings.location === ':memory:') return { state: () => 'writer', stop: async () => {} };
  try {
    return startCheckpointer(db, {
      ...settings,
      ...(wanted === true ? {} : { tuning: wanted }),
      ...(options.onCheckpointFailure ? { onFailure: options.onCheckpointFailure } : {}),
    });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    options.onCheckpointFailure?.(failure);
    return { state: () => `writer (the checkpoint worker did not start: ${failure.message})`, stop: async () => {} };
  }
}

/** The compiled worker script: beside this file when running from dist, else in the built dist. */
function workerFile(): string {
  const sibling = fileURLToPath(import.meta.url).replace(/checkpointer\.(ts|js)$/, 'checkpoint-worker.js');
  if (existsSync(sibling)) return sibling;
  const built = sibling.replace(/\/src\/sqlite\/checkpoint-worker\.js$/, '/dist/sqlite/checkpoint-worker.js');
  if (existsSync(built)) return built;
  throw new StoreError('unavailable', `the checkpoint worker script is missing (${built}); run the build first`);
}
