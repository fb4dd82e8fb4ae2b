import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointReport, CheckpointWorkerData } from './checkpointer.js';
import { walIndexReader } from './wal-index-header.js';

/**
 * The checkpoint worker (checkpointer.ts starts it): its own connection to the store's file copies
 * WAL frames into the database file with PASSIVE checkpoints, which never wait for and never block
 * the writer. It polls the wal-index header (a 136-byte read) and checkpoints once `frames` are
 * waiting, or any frame has waited `idleMs`. Once the WAL reaches the writer's fallback it stands back:
 * a checkpoint here then only keeps the writer's own (which alone lets the WAL restart under
 * sustained writes, checkpointer.ts) from getting SQLite's checkpoint lock.
 */
const settings = workerData as CheckpointWorkerData;
const db = new Database(settings.location, { fileMustExist: true });
db.pragma(`synchronous = ${settings.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
const wal = walIndexReader(settings.location);
let last = performance.now();

const tick = () => {
  const progress = wal.read();
  const waiting = progress === null ? 0 : progress.frames - progress.backfilled;
  const started = performance.now();
  if (waiting <= 0 || (waiting < settings.frames && started - last < settings.idleMs)) return;
  if (progress === null || progress.frames >= settings.fallbackFrames) return;
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  last = performance.now();
  if (result === undefined) return;
  const report: CheckpointReport = { log: result.log, checkpointed: result.checkpointed, ms: last - started };
  parentPort?.postMessage(report);
};

const timer = setInterval(tick, settings.pollMs);
parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  wal.close();
  db.close();
  parentPort?.close();
});
