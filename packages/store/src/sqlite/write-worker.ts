/**
 * Worker-thread entry of the SQLite writer. It owns the writing connection: every insert, hash and
 * COMMIT (with its fsync) happens here, off the thread that serves HTTP. Requests that arrive while
 * a batch commits are queued and go into the next batch, so the batch size follows the fsync time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StoreError } from '../store.js';
import { openDatabase } from './open-database.js';
import { toStoreError } from './sqlite-errors.js';
import { createSqliteWriter } from './sqlite-writer.js';
import { runWrite } from './write-channel.js';
import type { WriteReply, WriteRequest } from './write-protocol.js';
import { WriteQueue } from './write-queue.js';

export interface WriteWorkerData {
  location: string;
  synchronous: 'full' | 'normal';
  busyTimeoutMs: number;
  maxBatch: number;
}

const port = parentPort;
if (port === null) throw new Error('write-worker.js must run in a worker thread');
const settings = workerData as WriteWorkerData;
const db = openDatabase(settings);
const writer = createSqliteWriter(db, settings.location);

let outbox: WriteReply[] = [];
let flushScheduled = false;
const send = (reply: WriteReply): void => {
  outbox.push(reply);
  if (flushScheduled) return;
  flushScheduled = true;
  // One message per batch: replies settle in the same turn as their commit.
  setImmediate(() => {
    flushScheduled = false;
    const replies = outbox;
    outbox = [];
    port.postMessage(replies);
  });
};

const queue = new WriteQueue(db, {
  maxBatch: settings.maxBatch,
  onCommit: (stats) => send({ type: 'commit', stats }),
});

const fail = (id: number, error: unknown): void => {
  const storeError = toStoreError(error, 'writing');
  const cause = storeError.cause instanceof Error ? storeError.cause.message : undefined;
  send({
    type: 'result',
    id,
    ok: false,
    error: { code: storeError.code, message: storeError.message, ...(cause !== undefined && { cause }) },
  });
};

port.on('message', (requests: WriteRequest[]) => {
  for (const request of requests) {
    if (request.kind === 'close') {
      queue.close();
      db.close();
      send({ type: 'result', id: request.id, ok: true, value: null });
      continue;
    }
    queue
      .enqueue(() => runWrite(writer, request))
      .then(
        (value) => send({ type: 'result', id: request.id, ok: true, value }),
        (error: unknown) => fail(request.id, error instanceof StoreError ? error : toStoreError(error, 'writing')),
      );
  }
});
