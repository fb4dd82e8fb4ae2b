import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StoreError } from '../store.js';
import type { WriteChannel, WriteCommand } from './write-channel.js';
import type { WriteReply, WriteRequest, WriteValue } from './write-protocol.js';
import type { CommitStats } from './write-queue.js';
import type { WriteWorkerData } from './write-worker.js';

interface Pending {
  resolve: (value: WriteValue) => void;
  reject: (error: StoreError) => void;
}

/**
 * Sends writes to a worker thread that owns the writing connection, so SQLite's CPU time and the
 * fsync of each COMMIT don't block the thread that serves requests. Requests made in one turn go
 * out as one message; the worker answers each batch with one message.
 */
export function workerWriteChannel(data: WriteWorkerData, onCommit?: (stats: CommitStats) => void): WriteChannel {
  const worker = new Worker(workerFile(), { workerData: data });
  // An idle writer must not keep the process alive; one with writes in flight must.
  worker.unref();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let outbox: WriteRequest[] = [];
  let sendScheduled = false;
  let broken: StoreError | null = null;
  let closing: Promise<void> | null = null;

  const failAll = (error: StoreError) => {
    broken ??= error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };

  worker.on('message', (replies: WriteReply[]) => {
    for (const reply of replies) {
      if (reply.type === 'commit') {
        onCommit?.(reply.stats);
        continue;
      }
      const entry = pending.get(reply.id);
      if (entry === undefined) continue;
      pending.delete(reply.id);
      if (pending.size === 0) worker.unref();
      if (reply.ok) entry.resolve(reply.value);
      else {
        const cause = reply.error.cause === undefined ? undefined : new Error(reply.error.cause);
        entry.reject(new StoreError(reply.error.code, reply.error.message, cause));
      }
    }
  });
  worker.on('error', (error) =>
    failAll(new StoreError('unavailable', `the SQLite writer failed: ${error.message}`, error)),
  );
  worker.on('exit', () => failAll(new StoreError('unavailable', 'the SQLite writer has stopped')));

  const send = (request: WriteRequest): void => {
    outbox.push(request);
    if (sendScheduled) return;
    sendScheduled = true;
    queueMicrotask(() => {
      sendScheduled = false;
      const requests = outbox;
      outbox = [];
      worker.postMessage(requests);
    });
  };

  const call = (command: WriteCommand | { kind: 'close' }): Promise<WriteValue> => {
    if (broken !== null) return Promise.reject(broken);
    return new Promise<WriteValue>((resolve, reject) => {
      const id = nextId++;
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      send({ ...command, id } as WriteRequest);
    });
  };

  return {
    request(command) {
      if (closing !== null) return Promise.reject(new StoreError('unavailable', 'the store is closed'));
      return call(command);
    },
    close() {
      closing ??= (async () => {
        try {
          await call({ kind: 'close' });
        } finally {
          await worker.terminate();
        }
      })();
      return closing;
    },
  };
}

/**
 * The compiled worker script. Under a test runner that executes the TypeScript sources, this module
 * is `src/…/*.ts`, but a worker thread needs JavaScript: use the built copy in `dist/` then.
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = here.replace(/worker-write-channel\.(ts|js)$/, 'write-worker.js');
  if (existsSync(sibling)) return sibling;
  const built = sibling.replace(/\/src\/sqlite\/write-worker\.js$/, '/dist/sqlite/write-worker.js');
  if (existsSync(built)) return built;
  throw new StoreError('unavailable', `the SQLite writer script is missing (${built}); run the build first`);
}
