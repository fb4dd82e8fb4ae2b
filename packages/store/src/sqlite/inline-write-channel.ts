import type Database from 'better-sqlite3';
import type { ActionCounts, CountDelta } from './action-counts.js';
import { createSqliteWriter } from './sqlite-writer.js';
import { runWrite, type WriteChannel } from './write-channel.js';
import { type CommitStats, WriteQueue } from './write-queue.js';

/**
 * Writes on the caller's own connection and thread. Used for `:memory:` databases, which a worker's
 * second connection could not share.
 */
export function inlineWriteChannel(
  db: Database.Database,
  location: string,
  options: { maxBatch: number; onCommit?: (stats: CommitStats) => void },
  counts: ActionCounts,
): WriteChannel {
  const writer = createSqliteWriter(db, location);
  const queue = new WriteQueue(db, options);
  return {
    request: (command) => {
      const counted: CountDelta[] = [];
      return queue.enqueue(
        () => runWrite(writer, command, counted),
        () => counts.apply(counted),
      );
    },
    async close() {
      queue.close();
    },
  };
}
