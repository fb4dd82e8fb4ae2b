import type { CountDelta } from './action-counts.js';
import type { SqliteWriter } from './sqlite-writer.js';
import type { WriteRequest, WriteValue } from './write-protocol.js';

/** A request without its correlation id (the channel assigns it). */
export type WriteCommand =
  | Omit<Extract<WriteRequest, { kind: 'create' }>, 'id'>
  | Omit<Extract<WriteRequest, { kind: 'transition' }>, 'id'>
  | { kind: 'migrate' };

/** Where writes go: the same thread (inline) or a worker thread; both group-commit. */
export interface WriteChannel {
  /** Resolves once the write's batch has committed (durably, with synchronous=FULL). */
  request(command: WriteCommand): Promise<WriteValue>;
  /** Commits everything queued, then refuses new writes. */
  close(): Promise<void>;
}

/** Runs one write command on the writer; called inside the group-commit transaction. */
export function runWrite(writer: SqliteWriter, command: WriteCommand, counted?: CountDelta[]): WriteValue {
  switch (command.kind) {
    case 'create':
      return writer.create(command.input, command.json, counted);
    case 'transition':
      return writer.transition(command.input, counted);
    case 'migrate':
      return writer.migrate();
  }
}
